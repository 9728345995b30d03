import { FinalExecutorError, RetryableExecutorError } from './executor.js';
import type { ExecutorError } from './executor.js';

/** Socket errors after which the same attempt may well succeed later. */
const RETRYABLE_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EADDRNOTAVAIL',
]);

const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * OpenSSL's verification failures as Node reports them: the certificate is not one the
 * settings trust. Retrying cannot help, and the connection must not go on: a final error.
 */
const TLS_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** The `code` of a Node system or TLS error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Classifies socket and TLS failures the same way for every network executor: refused,
 * unreachable, reset → retryable `OST_EXEC_CONNECT`; timed out → retryable
 * `OST_EXEC_TIMEOUT`; certificate rejected → final `OST_EXEC_TLS`. Returns null for anything
 * else (a protocol's own errors, classified by its executor). `what` says where, e.g.
 * `connect to 127.0.0.1:5432`; the message names the code, never the peer's data.
 */
export function classifyNetworkError(error: unknown, what: string): ExecutorError | null {
  const code = errorCode(error);
  if (code === undefined) return null;
  const cause = sanitizedCause(error, code);
  if (RETRYABLE_SOCKET_CODES.has(code)) return new RetryableExecutorError('OST_EXEC_CONNECT', `${what}: ${code}`, { cause });
  if (TIMEOUT_CODES.has(code)) return new RetryableExecutorError('OST_EXEC_TIMEOUT', `${what}: timed out (${code})`, { cause });
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return new FinalExecutorError('OST_EXEC_TLS', `${what}: the TLS certificate was not accepted (${code})`, { cause });
  }
  return null;
}

/**
 * A stand-in for a driver's error to pass on as `cause`: the code and a message that has
 * been through `redact`. Drivers attach the failing statement to their errors (mysql2's
 * `sql`), which holds mask values; the original must never reach a log.
 */
export function sanitizedCause(error: unknown, code: string | undefined, redact: (text: string) => string = (text) => text): Error {
  const message = error instanceof Error ? error.message : String(error);
  const cause = new Error(redact(message));
  cause.name = 'DriverError';
  if (code !== undefined) Object.defineProperty(cause, 'code', { value: code, enumerable: true });
  return cause;
}
