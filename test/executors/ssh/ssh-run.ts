import assert from 'node:assert/strict';
import type { ExecutionOutcome, LoginMaterial } from '../../../src/executors/executor.js';
import { ExecutorError } from '../../../src/executors/executor.js';
import { sshExecutor } from '../../../src/executors/ssh/ssh-executor.js';
import type { OperationTimeouts, OperationType } from '../../../src/domain/index.js';
import { createRedactor } from '../../../src/vault/redactor.js';
import { assertNoSecret, errorTexts, testContext, testDevice } from '../../support/executor-context.js';
import type { SshHost } from '../../support/ssh-hosts.js';

/** One run of the ssh executor against a test host, as the engine would start it. */
export interface SshRunInput {
  readonly host: SshHost;
  readonly login: LoginMaterial;
  readonly source: string;
  readonly masks?: Readonly<Record<string, string>>;
  /** The device's pinned key; `undefined` pins the host's real key, `null` means first use. */
  readonly hostKey?: string | null;
  /** What `pinHostKey` answers on first use (another worker's key, say). @defaultValue the key offered */
  readonly pinAnswer?: string;
  readonly timeouts?: Partial<OperationTimeouts>;
  readonly signal?: AbortSignal;
  readonly type?: OperationType;
  /** Called with the transcript so far each time the executor writes to it. */
  readonly onTranscript?: (transcript: string) => void;
}

export interface SshRunResult {
  readonly outcome: ExecutionOutcome | null;
  readonly error: ExecutorError | null;
  /** Exactly what the executor wrote, before any redaction. */
  readonly transcript: string;
  /** Keys given to `pinHostKey`. */
  readonly pinned: readonly string[];
}

/** Runs the executor; an executor error is returned, not thrown (anything else is a bug and throws). */
export async function runSsh(input: SshRunInput): Promise<SshRunResult> {
  const device = { ...testDevice(input.host.address, input.host.port, input.host.name), hostKey: input.hostKey === undefined ? input.host.hostKey : input.hostKey };
  const { context: base, transcript } = testContext({ executor: 'ssh', type: input.type ?? 'task', source: input.source, device, login: input.login, masks: input.masks ?? {}, timeouts: input.timeouts, signal: input.signal });
  const pinned: string[] = [];
  const context = {
    ...base,
    transcript: { write: (text: string) => (base.transcript.write(text), input.onTranscript?.(transcript())) },
    pinHostKey: async (key: string) => (pinned.push(key), input.pinAnswer ?? key),
  };
  try {
    return { outcome: await sshExecutor.run(context), error: null, transcript: transcript(), pinned };
  } catch (error) {
    if (!(error instanceof ExecutorError)) throw error;
    return { outcome: null, error, transcript: transcript(), pinned };
  }
}

/** Like {@link runSsh}, and fails the test unless the run failed with `code`. */
export async function runSshFailing(input: SshRunInput, code: string): Promise<SshRunResult & { error: ExecutorError }> {
  const result = await runSsh(input);
  assert.ok(result.error, `expected ${code}, but the run succeeded:\n${result.transcript}`);
  assert.equal(result.error.code, code, `${result.error.message}\n${result.transcript}`);
  return { ...result, error: result.error };
}

/**
 * The leak check of every test that handles a secret: neither the raw transcript nor the
 * error (message, stack, causes) holds any secret, before redaction; and after the redaction
 * the engine applies (a stream redactor over the transcript, `redact` over messages) neither
 * does anything that looks like one.
 */
export function assertNothingLeaked(result: SshRunResult, secrets: readonly string[]): void {
  assertNoSecret(result.transcript, secrets);
  if (result.error) assertNoSecret(errorTexts(result.error), secrets);
  const redactor = createRedactor(secrets);
  const stream = redactor.stream();
  const stored = [...result.transcript].map((char) => stream.push(char)).join('') + stream.flush();
  assertNoSecret(stored, secrets);
  if (result.error) assertNoSecret(redactor.redact(result.error.message), secrets);
}
