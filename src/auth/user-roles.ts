import { validationError } from '../domain/index.js';
import { isRole } from './permissions.js';
import type { Role } from './permissions.js';

/** Roles as stored; an unknown name (e.g. from a newer version) grants nothing. */
export function knownRoles(stored: readonly string[]): readonly Role[] {
  return stored.filter(isRole);
}

/** Validates roles at the door; the message names the field. */
export function parseRoles(field: string, roles: readonly string[]): readonly Role[] {
  const unknown = roles.find((role) => !isRole(role));
  if (unknown !== undefined) throw validationError(field, `unknown role ${JSON.stringify(unknown)}`);
  return [...new Set(roles)] as Role[];
}
