import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { OstiaryError } from '../domain/index.js';

/**
 * The byte layout of everything the vault seals (docs/vault.md, "Format"):
 *
 * `version (1) ‖ iv (12) ‖ tag (16) ‖ ciphertext`
 *
 * AES-256-GCM with a random 96-bit IV and a full 128-bit tag. The version byte is bound into
 * the additional authenticated data, so changing it fails authentication like any other byte.
 */
export const FORMAT_VERSION = 1;
export const IV_LENGTH = 12;
export const TAG_LENGTH = 16;
export const DATA_KEY_LENGTH = 32;
const HEADER_LENGTH = 1 + IV_LENGTH + TAG_LENGTH;

/** A wrapped data key is always this long: header plus the 32-byte encrypted key. */
export const WRAPPED_KEY_LENGTH = HEADER_LENGTH + DATA_KEY_LENGTH;

/** What a sealed box is bound to besides its key; part of the AAD. */
export type BoxPurpose = { readonly kind: 'wrapped-key'; readonly masterKeyId: string } | { readonly kind: 'value' };

function additionalData(version: number, purpose: BoxPurpose): Buffer {
  const binding = purpose.kind === 'wrapped-key' ? `wrapped-key ${purpose.masterKeyId}` : 'value';
  return Buffer.from(`ostiary vault v${version} ${binding}`, 'utf8');
}

/** Encrypts `plaintext` under `key` (a 256-bit AES key) into the layout above. */
export function sealBox(key: KeyObject | Buffer, plaintext: Buffer, purpose: BoxPurpose): Buffer {
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(additionalData(FORMAT_VERSION, purpose));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]);
}

/**
 * Decrypts a box made by {@link sealBox}. Any change to any byte (or a box made for another
 * key or purpose) throws `OST_VAULT_TAMPERED`; it never returns garbage.
 */
export function openBox(key: KeyObject | Buffer, box: Buffer, purpose: BoxPurpose, what: string): Buffer {
  if (box.length < HEADER_LENGTH) throw tampered(what, 'it is too short');
  const version = box[0];
  if (version !== FORMAT_VERSION) throw tampered(what, 'its format version is unknown');
  const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(1, 1 + IV_LENGTH), {
    authTagLength: TAG_LENGTH,
  });
  decipher.setAAD(additionalData(version, purpose));
  decipher.setAuthTag(box.subarray(1 + IV_LENGTH, HEADER_LENGTH));
  try {
    return Buffer.concat([decipher.update(box.subarray(HEADER_LENGTH)), decipher.final()]);
  } catch (error) {
    throw tampered(what, 'it failed authentication', error);
  }
}

/** The one error for a sealed value that cannot be opened; the message carries no secret data. */
export function tampered(what: string, reason: string, cause?: unknown): OstiaryError {
  return new OstiaryError('OST_VAULT_TAMPERED', `cannot open the sealed ${what}: ${reason} (altered, or sealed under another key)`, {
    details: { part: what },
    cause,
  });
}
