import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

/**
 * Local user passwords, hashed with scrypt (node:crypto) and a per-user random salt. The
 * stored form names its parameters, so they can be raised later without breaking old hashes:
 * `scrypt$N$r$p$saltBase64$hashBase64`.
 */
export interface PasswordHashParameters {
  /** CPU/memory cost. @defaultValue 32768 */
  readonly N: number;
  /** @defaultValue 8 */
  readonly r: number;
  /** @defaultValue 1 */
  readonly p: number;
}

/** OWASP's scrypt recommendation (N=2^15, r=8, p=1): about 32 MiB and tens of ms per hash. */
export const DEFAULT_PASSWORD_HASH: PasswordHashParameters = Object.freeze({ N: 32768, r: 8, p: 1 });

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, params: PasswordHashParameters): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(
  password: string,
  params: PasswordHashParameters = DEFAULT_PASSWORD_HASH,
): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface ParsedHash {
  readonly params: PasswordHashParameters;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || key === undefined) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (![params.N, params.r, params.p].every((value) => Number.isSafeInteger(value) && value > 0)) return null;
  return { params, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

/** Compares in constant time; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (parsed === null || parsed.key.length !== KEY_LENGTH) return false;
  const candidate = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(candidate, parsed.key);
}

let dummyHash: Promise<string> | null = null;

/**
 * Spends the same work as a real check, so a login for an unknown user takes as long as one
 * with a wrong password and does not reveal which usernames exist.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  dummyHash ??= hashPassword('ostiary-dummy-password');
  await verifyPassword(password, await dummyHash);
  return false;
}
