import { validationError } from '../../domain/index.js';
import type { ApiClient } from '../client/api-client.js';
import { printJson, printRows } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';

/** What the rotation commands read from the API (docs/rotation.md); never a secret. */
export interface RotationView {
  readonly id: string;
  readonly kind: string;
  readonly trigger: string;
  readonly phase: string;
  readonly requester: string;
  readonly errorCode: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly operationId: string;
}

export interface BulkView {
  readonly accepted: number;
  readonly refused: number;
  readonly results: readonly { credentialId: string; accepted: boolean; operationId: string | null; error: { code: string; message: string } | null }[];
}

/** `--policy '{"changeEveryDays":30}'`: a JSON object option, refused by name when it is not one. */
export function jsonObjectOption(option: string): (value: string) => Record<string, unknown> {
  return (value) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw validationError(option, 'expected a JSON object, e.g. \'{"changeEveryDays":30}\'');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw validationError(option, 'expected a JSON object');
    return parsed as Record<string, unknown>;
  };
}

/** `none` → `null` (explicitly no template); anything else is an id. */
export function idOrNone(value: string): string | null {
  return value === 'none' ? null : value;
}

/** Prints a bulk answer; the exit code is 1 when any credential was refused, for scripts. */
export function printBulk(flags: OutputFlags, bulk: BulkView): void {
  if (bulk.refused > 0) process.exitCode = 1;
  if (flags.json === true) return printJson(bulk);
  printRows(flags, bulk.results, {
    CREDENTIAL: (result) => result.credentialId,
    RESULT: (result) => (result.accepted ? 'accepted' : `refused ${result.error?.code ?? ''}`),
    'OPERATION / REASON': (result) => (result.accepted ? (result.operationId ?? '') : (result.error?.message ?? '')),
  }, 'no credential matched');
  console.log(`${bulk.accepted} accepted, ${bulk.refused} refused`);
}

export const rotationColumns = {
  ID: (rotation: RotationView) => rotation.id,
  KIND: (rotation: RotationView) => rotation.kind,
  TRIGGER: (rotation: RotationView) => rotation.trigger,
  PHASE: (rotation: RotationView) => rotation.phase,
  ERROR: (rotation: RotationView) => rotation.errorCode ?? '',
  CREATED: (rotation: RotationView) => rotation.createdAt.replace(/\.\d{3}Z$/, 'Z'),
};

/** One rotation request (`rotate`, `verify`, `reconcile`) for one credential. */
export async function requestRotation(client: ApiClient, credentialId: string, path: 'rotate' | 'verify' | 'reconcile', flags: OutputFlags): Promise<void> {
  const start = await client.send<{ rotation: RotationView; operationId: string }>('POST', `/credentials/${credentialId}/${path}`);
  if (flags.json === true) return printJson(start);
  console.log(`${start.rotation.kind} of credential ${credentialId} requested: rotation ${start.rotation.id}, operation ${start.operationId}`);
}
