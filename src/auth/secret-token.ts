import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets: API tokens (`ost_…`) and console session ids (`oss_…`). Each holds 256
 * random bits; only its SHA-256 is stored. A fast hash is enough here, unlike for
 * passwords: nobody can guess through 2^256 values, so a database thief who reads the hashes
 * still cannot find a token, and a fast hash lets every request look the token up by its
 * hash in one indexed query.
 */
export const API_TOKEN_PREFIX = 'ost_';
export const SESSION_PREFIX = 'oss_';

const TOKEN_BYTES = 32;
const TOKEN_BODY = /^[A-Za-z0-9_-]{43}$/;

export function newSecretToken(prefix: string): string {
  return prefix + randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Hex SHA-256 of the whole token, the form kept in the database. */
export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A cheap shape check before any database lookup. */
export function looksLikeToken(token: string, prefix: string): boolean {
  return token.startsWith(prefix) && TOKEN_BODY.test(token.slice(prefix.length));
}

/**
 * The CSRF token of a session: derived from the session id, so it needs no storage. Only a
 * page that can read the session's own CSRF cookie (same origin) can send it back.
 */
export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`csrf:${sessionId}`, 'utf8').digest('base64url');
}
