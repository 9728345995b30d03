import { createHmac, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { OstiaryError } from '../domain/index.js';

/** Master keys are 256-bit AES keys. */
export const MASTER_KEY_LENGTH = 32;

/**
 * A master key as the vault holds it: a public fingerprint and the key-encryption key
 * derived from it. The raw bytes are not kept, so nothing on this object prints the key
 * (a `KeyObject` inspects as `SecretKeyObject { type: 'secret' }`).
 */
export interface MasterKey {
  /** HMAC-SHA256(key, "ostiary key id"), first 16 bytes in hex: reveals nothing about the key. */
  readonly id: string;
  /** The AES-256 key that wraps data keys, derived with HKDF so the raw key is used for one purpose only. */
  readonly wrappingKey: KeyObject;
}

/** Builds a master key from its 32 bytes, then wipes the caller's buffer. */
export function masterKeyFromBytes(bytes: Buffer): MasterKey {
  if (bytes.length !== MASTER_KEY_LENGTH) throw new Error('master key must be 32 bytes');
  const id = createHmac('sha256', bytes).update('ostiary key id').digest('hex').slice(0, 32);
  const derived = Buffer.from(hkdfSync('sha256', bytes, Buffer.alloc(0), 'ostiary vault key-wrapping v1', 32));
  const wrappingKey = createSecretKey(derived);
  derived.fill(0);
  bytes.fill(0);
  return Object.freeze({ id, wrappingKey });
}

/** 32 fresh bytes from the CSPRNG. */
export function newMasterKeyBytes(): Buffer {
  return randomBytes(MASTER_KEY_LENGTH);
}

/** How a key is written to a key file and how an operator passes one in the environment. */
export function encodeMasterKey(bytes: Buffer): string {
  return bytes.toString('base64');
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$|^[A-Za-z0-9_-]{43}=?$/;

/**
 * Parses a key given as 64 hex digits or as base64 (standard or URL-safe) of 32 bytes,
 * surrounding whitespace ignored. `source` names where it came from (an environment
 * variable or a file path); the message never repeats the value, even a wrong one.
 */
export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  let bytes: Buffer | null = null;
  if (HEX_KEY.test(trimmed)) bytes = Buffer.from(trimmed, 'hex');
  else if (BASE64_KEY.test(trimmed)) bytes = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
  if (bytes === null || bytes.length !== MASTER_KEY_LENGTH) {
    throw keyError(source, `${source} must hold a 32-byte key as base64 (44 characters) or hex (64 digits); generate one with \`openssl rand -base64 32\``);
  }
  if (bytes.every((byte) => byte === 0)) {
    throw keyError(source, `${source} holds an all-zero key, which is a placeholder, not a key`);
  }
  return bytes;
}

/** `OST_VAULT_KEY` naming the variable or file; never the key. */
export function keyError(source: string, message: string, cause?: unknown): OstiaryError {
  return new OstiaryError('OST_VAULT_KEY', message, { details: { source }, cause });
}
