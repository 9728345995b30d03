import { createHash } from 'node:crypto';
import type { CredentialChoice } from '../task/task-definition.js';

/** Exactly what an approval covers: change any of it and the approval no longer applies. */
export interface RunBinding {
  readonly taskId: string;
  readonly templateId: string;
  readonly templateVersion: number;
  /** Upper-case names. */
  readonly variables: Readonly<Record<string, string>>;
  readonly deviceIds: readonly string[];
  readonly credential: CredentialChoice;
}

/**
 * SHA-256 (hex) over a canonical form of the binding: fields in a fixed order, variables
 * sorted by name, devices sorted (their order does not change what runs). Built by hand
 * rather than with a canonical-JSON library because the shape is small and fixed: a
 * positional array leaves no key order to get wrong.
 */
export function bindingHash(binding: RunBinding): string {
  const variables = Object.entries(binding.variables)
    .map(([name, value]) => [name.toUpperCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const credential = binding.credential.kind === 'credential'
    ? ['credential', binding.credential.credentialId]
    : ['username', binding.credential.username];
  const canonical = ['ostiary.run-binding.v1', binding.taskId, binding.templateId, binding.templateVersion, variables, [...binding.deviceIds].sort(), credential];
  return createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('hex');
}
