import { OstiaryError, validationError } from '../domain/index.js';
import type { ApiTokenRecord, ApiTokenRepository } from '../store/access-store.js';
import type { Permission } from './permissions.js';
import type { Principal } from './principal.js';
import { API_TOKEN_PREFIX, hashSecretToken, newSecretToken } from './secret-token.js';

export interface TokenRequest {
  readonly name: string;
  /** The scope; `undefined` means every permission the creator holds now. */
  readonly permissions?: readonly Permission[];
  /** @defaultValue 90 */
  readonly expiresInDays?: number;
}

export interface IssuedToken {
  readonly record: ApiTokenRecord;
  /** Shown once, in the response that created it; only its hash is stored. */
  readonly token: string;
}

export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 365;
const DAY_MS = 86_400_000;

/**
 * Creates an API token for the calling user. Its scope can only narrow: asking for a
 * permission the caller does not hold is refused, so no token is ever stronger than the
 * person (or token) that made it.
 */
export async function issueToken(
  tokens: ApiTokenRepository,
  creator: Principal,
  request: TokenRequest,
  now: number,
): Promise<IssuedToken> {
  const scope = request.permissions ?? [...creator.permissions];
  const beyond = scope.find((permission) => !creator.permissions.has(permission));
  if (beyond !== undefined) {
    throw new OstiaryError('OST_FORBIDDEN', `permissions: you do not hold ${beyond}, so a token of yours cannot`, {
      details: { field: 'permissions', permission: beyond },
    });
  }
  const days = request.expiresInDays ?? DEFAULT_TOKEN_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) {
    throw validationError('expiresInDays', `expected an integer from 1 to ${MAX_TOKEN_DAYS}`);
  }
  const token = newSecretToken(API_TOKEN_PREFIX);
  const record = await tokens.create({
    userId: creator.userId,
    name: request.name,
    tokenHash: hashSecretToken(token),
    permissions: [...new Set(scope)],
    expiresAt: now + days * DAY_MS,
  });
  return { record, token };
}
