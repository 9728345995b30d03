import { OstiaryError } from '../domain/index.js';
import type { ApiTokenRecord, ApiTokenRepository, SessionRepository, UserRecord, UserRepository } from '../store/access-store.js';
import { isPermission, permissionsOfRoles } from './permissions.js';
import type { Permission } from './permissions.js';
import type { Principal } from './principal.js';
import { API_TOKEN_PREFIX, hashSecretToken, looksLikeToken, SESSION_PREFIX } from './secret-token.js';
import { knownRoles } from './user-roles.js';

export interface AuthenticatorOptions {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly tokens: ApiTokenRepository;
  readonly now: () => number;
}

/** `lastUsedAt` is refreshed at most this often, so a busy token does not write on every request. */
const LAST_USED_GRANULARITY_MS = 60_000;

function invalid(what: string): OstiaryError {
  return new OstiaryError('OST_AUTH_INVALID', `the ${what} is not valid`);
}

/** Turns a bearer token or a session cookie into a {@link Principal}, or says precisely why not. */
export class Authenticator {
  readonly #options: AuthenticatorOptions;

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
  }

  async fromApiToken(token: string): Promise<Principal> {
    if (!looksLikeToken(token, API_TOKEN_PREFIX)) throw invalid('API token');
    const record = await this.#options.tokens.findByTokenHash(hashSecretToken(token));
    if (record === null) throw invalid('API token');
    const now = this.#options.now();
    if (record.revokedAt !== null) throw new OstiaryError('OST_AUTH_REVOKED', `API token ${record.name} was revoked`);
    if (record.expiresAt <= now) throw new OstiaryError('OST_AUTH_EXPIRED', `API token ${record.name} has expired`);
    const user = await this.#activeUser(record.userId, 'API token');
    await this.#touch(record, now);
    return principalOf(user, 'token', record.id, null, record.permissions.filter(isPermission));
  }

  async fromSession(sessionToken: string): Promise<Principal> {
    if (!looksLikeToken(sessionToken, SESSION_PREFIX)) throw invalid('session');
    const session = await this.#options.sessions.findByTokenHash(hashSecretToken(sessionToken));
    if (session === null) throw invalid('session');
    if (session.expiresAt <= this.#options.now()) throw new OstiaryError('OST_AUTH_EXPIRED', 'the session has expired; log in again');
    const user = await this.#activeUser(session.userId, 'session');
    return principalOf(user, 'session', null, session.id, null);
  }

  async #activeUser(userId: string, what: string): Promise<UserRecord> {
    const user = await this.#options.users.get(userId);
    if (user === null || user.disabled) throw invalid(what);
    return user;
  }

  async #touch(record: ApiTokenRecord, now: number): Promise<void> {
    if (record.lastUsedAt !== null && now - record.lastUsedAt < LAST_USED_GRANULARITY_MS) return;
    await this.#options.tokens.markUsed(record.id, now);
  }
}

/** The user's current role permissions, narrowed to `scope` when given (a token never widens). */
export function principalOf(
  user: UserRecord,
  via: Principal['via'],
  tokenId: string | null,
  sessionId: string | null,
  scope: readonly Permission[] | null,
): Principal {
  const roles = knownRoles(user.roles);
  const granted = permissionsOfRoles(roles).filter((permission) => scope === null || scope.includes(permission));
  return Object.freeze({ userId: user.id, username: user.username, roles, permissions: new Set(granted), via, tokenId, sessionId });
}
