import { validationError } from '../domain/index.js';

/** Minimum length of a local user's password. @defaultValue 12 */
export const MIN_PASSWORD_LENGTH = 12;
/** Bounds scrypt's input, so a huge body cannot cost much. */
export const MAX_PASSWORD_LENGTH = 1024;

/** Checks a new password; the message names the field but never echoes the value. */
export function assertAcceptablePassword(field: string, password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw validationError(field, `expected at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw validationError(field, `expected at most ${MAX_PASSWORD_LENGTH} characters`);
}

/** Usernames: letters, digits and `._@-`, 1 to 64 characters, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
