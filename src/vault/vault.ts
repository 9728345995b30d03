import { randomBytes } from 'node:crypto';
import type { SealedSecret } from '../domain/index.js';
import type { Keyring, KeyDescription, KeySource } from './keyring.js';
import { loadKeyring, type KeyringOptions } from './load-keyring.js';
import type { MasterKey } from './master-key.js';
import { DATA_KEY_LENGTH, openBox, sealBox, tampered, WRAPPED_KEY_LENGTH } from './sealed-format.js';

/** The wrapped-key half of a sealed value: enough to rewrap it without touching the value. */
export interface WrappedDataKey {
  readonly masterKeyId: string;
  readonly wrappedKey: Buffer;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Envelope encryption (docs/vault.md): every sealed value gets a fresh 256-bit data key that
 * encrypts the value; the current master key wraps the data key. Opening looks the master
 * key up by the value's `masterKeyId`, so values wrapped under an older or newer key in the
 * keyring still open.
 */
export class Vault {
  readonly #keyring: Keyring;

  constructor(keyring: Keyring) {
    this.#keyring = keyring;
  }

  /** The id (fingerprint) of the master key that seals new values. */
  get keyId(): string {
    return this.#keyring.current.id;
  }

  get source(): KeySource {
    return this.#keyring.source;
  }

  /** Every key id this vault can open values under. */
  get keyIds(): readonly string[] {
    return this.#keyring.ids();
  }

  /** The keys held, by id, role and origin; no key material. */
  describeKeys(): readonly KeyDescription[] {
    return this.#keyring.describe();
  }

  seal(plaintext: string): SealedSecret {
    const dataKey = randomBytes(DATA_KEY_LENGTH);
    try {
      const ciphertext = sealBox(dataKey, Buffer.from(plaintext, 'utf8'), { kind: 'value' });
      return Object.freeze({ ...this.wrapDataKeyWith(this.#keyring.current, dataKey), ciphertext });
    } finally {
      dataKey.fill(0);
    }
  }

  /** Throws `OST_VAULT_TAMPERED` when any byte was changed or the master key is not held. */
  open(sealed: SealedSecret): string {
    const dataKey = this.unwrapDataKey(sealed);
    try {
      const plaintext = openBox(dataKey, sealed.ciphertext, { kind: 'value' }, 'value');
      try {
        return utf8.decode(plaintext);
      } finally {
        plaintext.fill(0);
      }
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Rewraps a value's data key under `target` (another vault's current key) without touching
   * the value's ciphertext. Used by `vault rekey`.
   */
  rewrap(wrapped: WrappedDataKey, target: Vault): WrappedDataKey {
    const dataKey = this.unwrapDataKey(wrapped);
    try {
      return target.wrapDataKeyWith(target.#keyring.current, dataKey);
    } finally {
      dataKey.fill(0);
    }
  }

  private wrapDataKeyWith(master: MasterKey, dataKey: Buffer): WrappedDataKey {
    const wrappedKey = sealBox(master.wrappingKey, dataKey, { kind: 'wrapped-key', masterKeyId: master.id });
    return { masterKeyId: master.id, wrappedKey };
  }

  private unwrapDataKey(wrapped: WrappedDataKey): Buffer {
    const master = this.#keyring.find(wrapped.masterKeyId);
    if (master === undefined) {
      throw tampered('data key', `it is wrapped under master key id ${JSON.stringify(wrapped.masterKeyId)}, which this vault does not hold (it holds ${this.keyIds.join(', ')}); start Ostiary with that key`);
    }
    if (wrapped.wrappedKey.length !== WRAPPED_KEY_LENGTH) throw tampered('data key', `it is ${wrapped.wrappedKey.length} bytes long instead of ${WRAPPED_KEY_LENGTH}`);
    return openBox(master.wrappingKey, wrapped.wrappedKey, { kind: 'wrapped-key', masterKeyId: master.id }, 'data key');
  }
}

export type OpenVaultOptions = KeyringOptions;

/**
 * Opens the vault: the master key from `masterKey` (the value of `OSTIARY_MASTER_KEY`) or
 * else from `<dataDir>/vault.key`, created (0600) on first start. Refuses to start on a
 * malformed key or a key file others can read (`OST_VAULT_KEY`).
 */
export async function openVault(options: OpenVaultOptions): Promise<Vault> {
  return new Vault(await loadKeyring(options));
}
