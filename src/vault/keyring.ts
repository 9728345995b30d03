import type { MasterKey } from './master-key.js';

/** Where the current master key came from. */
export type KeySource = 'environment' | 'file';

/**
 * - `current` seals new values;
 * - `rekey-target` is `vault.key.new`, left by a rekey that has not finished;
 * - `previous` is `vault.key.old`, kept after a rekey (docs/vault.md, "Rekey").
 */
export type KeyRole = 'current' | 'rekey-target' | 'previous';

export interface KeyringEntry {
  readonly key: MasterKey;
  readonly role: KeyRole;
  /** `OSTIARY_MASTER_KEY` or the key file's path; never key material. */
  readonly origin: string;
}

/** What `describe()` shows: ids, roles and origins, nothing secret. */
export interface KeyDescription {
  readonly id: string;
  readonly role: KeyRole;
  readonly origin: string;
}

/**
 * The master keys one vault holds: one current key that seals, and older or newer ones that
 * still open values wrapped under them (values are opened by their `masterKeyId`).
 */
export class Keyring {
  readonly source: KeySource;
  readonly #entries: readonly KeyringEntry[];

  constructor(source: KeySource, entries: readonly KeyringEntry[]) {
    const current = entries.filter((entry) => entry.role === 'current');
    if (current.length !== 1) throw new Error('a keyring holds exactly one current key');
    this.source = source;
    this.#entries = Object.freeze([...entries]);
  }

  get current(): MasterKey {
    // The constructor guarantees there is exactly one.
    return (this.#entries.find((entry) => entry.role === 'current') as KeyringEntry).key;
  }

  /** The key with this id, whatever its role; `undefined` when the vault does not hold it. */
  find(id: string): MasterKey | undefined {
    return this.#entries.find((entry) => entry.key.id === id)?.key;
  }

  entry(role: KeyRole): KeyringEntry | undefined {
    return this.#entries.find((entry) => entry.role === role);
  }

  ids(): readonly string[] {
    return [...new Set(this.#entries.map((entry) => entry.key.id))];
  }

  describe(): readonly KeyDescription[] {
    return this.#entries.map(({ key, role, origin }) => ({ id: key.id, role, origin }));
  }
}
