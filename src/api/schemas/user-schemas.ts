import { z } from 'zod';
import type { ApiTokenRecord, UserRecord } from '../../store/access-store.js';
import { PERMISSIONS, ROLES } from '../../auth/permissions.js';
import { MAX_TOKEN_DAYS } from '../../auth/token-service.js';
import { knownRoles } from '../../auth/user-roles.js';
import { MAX_PASSWORD_LENGTH, USERNAME_PATTERN } from '../../auth/user-password.js';
import { iso, isoOrNull, label, timestamp } from './common-schemas.js';

export const role = z.enum(ROLES);
export const permission = z.enum(PERMISSIONS);

export const username = z.string().regex(USERNAME_PATTERN, 'expected 1–64 letters, digits or ._@- starting with a letter or digit');
/** Length rules are checked by `assertAcceptablePassword`, so the message is the same everywhere. */
export const password = z.string().max(MAX_PASSWORD_LENGTH);

export const loginInput = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) });

export const userInput = z.strictObject({ username, password, roles: z.array(role).min(1).max(ROLES.length) });

export const userChanges = z.strictObject({ roles: z.array(role).min(1).max(ROLES.length).optional(), disabled: z.boolean().optional() });

export const passwordReset = z.strictObject({ password });

export const passwordChange = z.strictObject({ currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH), newPassword: password });

export const userView = z
  .object({ id: z.uuid(), username: z.string(), roles: z.array(role), disabled: z.boolean(), createdAt: timestamp, updatedAt: timestamp })
  .meta({ id: 'User' });

export function toUserView(user: UserRecord): z.infer<typeof userView> {
  return {
    id: user.id,
    username: user.username,
    roles: [...knownRoles(user.roles)],
    disabled: user.disabled,
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
  };
}

export const sessionView = z.object({
  user: userView,
  permissions: z.array(permission),
  /** Send back in `x-csrf-token` on state-changing requests made with the session cookie. */
  csrfToken: z.string(),
  expiresAt: timestamp,
});

export const meView = z.object({
  user: userView,
  permissions: z.array(permission),
  via: z.enum(['session', 'token']),
  tokenId: z.uuid().nullable(),
});

export const tokenInput = z.strictObject({
  name: label(100),
  permissions: z.array(permission).max(PERMISSIONS.length).optional().describe('Scope; default: every permission you hold.'),
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).optional().describe('Default 90.'),
});

export const tokenQuery = z.strictObject({
  userId: z.uuid().optional().describe('Another user’s tokens (needs user:read).'),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.string().min(1).max(512).optional(),
});

export const tokenView = z
  .object({
    id: z.uuid(),
    userId: z.uuid(),
    name: z.string(),
    permissions: z.array(permission),
    createdAt: timestamp,
    expiresAt: timestamp,
    revokedAt: timestamp.nullable(),
    lastUsedAt: timestamp.nullable(),
  })
  .meta({ id: 'ApiToken' });

export const issuedTokenView = tokenView.extend({ token: z.string().describe('Shown once; store it now.') });

export function toTokenView(record: ApiTokenRecord): z.infer<typeof tokenView> {
  return {
    id: record.id,
    userId: record.userId,
    name: record.name,
    permissions: record.permissions.filter((entry): entry is z.infer<typeof permission> => (PERMISSIONS as readonly string[]).includes(entry)),
    createdAt: iso(record.createdAt),
    expiresAt: iso(record.expiresAt),
    revokedAt: isoOrNull(record.revokedAt),
    lastUsedAt: isoOrNull(record.lastUsedAt),
  };
}
