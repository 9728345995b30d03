import { randomBytes } from 'node:crypto';
import { validationError } from '../domain/index.js';
import type { UserRecord, UserRepository } from '../store/access-store.js';
import { hashPassword } from './password-hash.js';
import type { PasswordHashParameters } from './password-hash.js';
import type { Role } from './permissions.js';
import { assertAcceptablePassword, USERNAME_PATTERN } from './user-password.js';

export interface NewLocalUser {
  readonly username: string;
  readonly password: string;
  readonly roles: readonly Role[];
}

/** Creates a local user; the password is hashed here and goes nowhere else. */
export async function createLocalUser(
  users: UserRepository,
  user: NewLocalUser,
  params?: PasswordHashParameters,
): Promise<UserRecord> {
  if (!USERNAME_PATTERN.test(user.username)) throw validationError('username', 'expected 1–64 letters, digits or ._@- starting with a letter or digit');
  assertAcceptablePassword('password', user.password);
  return users.create({ username: user.username, passwordHash: await hashPassword(user.password, params), roles: user.roles });
}

/** A random password for a first admin: 24 base64url characters (144 bits). */
export function generateInitialPassword(): string {
  return randomBytes(18).toString('base64url');
}
