import type { SecretVersion } from '../domain/index.js';
import type { Store } from '../store/store.js';
import type { LoginProbe } from './login-probe.js';
import type { SecretSealer } from './rotation-attempt.js';

/** Which stored secret logs in: the pending one, the current one, or neither. */
export type ProbeResult = 'pending' | 'current' | 'neither';

/** A probe could not tell (target unreachable, slow, host key changed): nothing may be decided. */
export class ProbeUndecided extends Error {
  constructor(readonly which: 'pending' | 'current', cause: unknown) {
    super(`could not tell whether the ${which} password logs in`, { cause });
    this.name = 'ProbeUndecided';
  }
}

export interface ProbeInput {
  readonly store: Store;
  readonly vault: SecretSealer;
  readonly probe: LoginProbe;
  readonly secretId: string;
  readonly note: (text: string) => void;
}

/**
 * DESIGN.md §4 step 5: try the pending secret, then the current one; the first that logs in
 * wins. Pending goes first because after a change that went through it is the one that
 * works, and each refused login costs the target (and us) a delay. When nothing is pending
 * only the current one is tried. Throws {@link ProbeUndecided} as soon as one probe cannot
 * tell: a later probe must not decide on half the evidence.
 */
export async function probePendingThenCurrent(input: ProbeInput): Promise<ProbeResult> {
  const pending = await input.store.secrets.pending(input.secretId);
  if (pending && (await tryVersion(input, pending, 'pending'))) return 'pending';
  const current = await input.store.secrets.current(input.secretId);
  if (current && (await tryVersion(input, current, 'current'))) return 'current';
  return 'neither';
}

async function tryVersion(input: ProbeInput, version: SecretVersion, which: 'pending' | 'current'): Promise<boolean> {
  let verdict: string;
  try {
    verdict = await input.probe.check(input.vault.open(version));
  } catch (error) {
    input.note(`probe: could not tell whether the ${which} password (version ${version.version}) logs in`);
    throw new ProbeUndecided(which, error);
  }
  input.note(`probe: the ${which} password (version ${version.version}) was ${verdict}`);
  return verdict === 'accepted';
}
