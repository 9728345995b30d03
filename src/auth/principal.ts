import { OstiaryError } from '../domain/index.js';
import type { Permission, Role } from './permissions.js';

/** Who is calling, as every route sees it once authentication has passed. */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly roles: readonly Role[];
  /** Effective permissions: the roles' union, narrowed by the token's scope when there is one. */
  readonly permissions: ReadonlySet<Permission>;
  readonly via: 'session' | 'token';
  /** The API token used, if any. */
  readonly tokenId: string | null;
  /** The console session used, if any. */
  readonly sessionId: string | null;
}

/** The audit actor string: `user:<id>`, or `token:<id>` when an API token acted. */
export function actorOf(principal: Principal): string {
  return principal.tokenId === null ? `user:${principal.userId}` : `token:${principal.tokenId}`;
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.has(permission);
}

/** Throws `OST_FORBIDDEN` naming the missing permission. */
export function assertPermission(principal: Principal, permission: Permission): void {
  if (hasPermission(principal, permission)) return;
  throw new OstiaryError('OST_FORBIDDEN', `this action needs the ${permission} permission`, { details: { permission } });
}
