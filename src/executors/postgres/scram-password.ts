import { validationError } from '../../domain/index.js';

/** RFC 3454 C.1.2, non-ASCII spaces, which `pg` maps to U+0020 (the same set as its `sasl.js`). */
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/;
/** RFC 3454 B.1, "commonly mapped to nothing", which `pg` removes. */
// eslint-disable-next-line no-misleading-character-class -- the joiners and selectors are the point
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B\u180C\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/;

/**
 * Whether `pg` would log in with exactly these characters. SCRAM prepares a password with
 * SASLprep; `pg` always maps and NFKC-normalizes it, while PostgreSQL (and libpq) keep the
 * raw password when it holds a character SASLprep prohibits (a control or private-use
 * character, one unassigned in Unicode 3.2). A password that the preparation changes can
 * then be set by `ALTER ROLE` but never verified through `pg`, so a rotation to it would end
 * out of sync.
 */
export function isScramStable(password: string): boolean {
  return !NON_ASCII_SPACE.test(password) && !MAPPED_TO_NOTHING.test(password) && password.normalize('NFKC') === password;
}

/**
 * Refuses, before anything connects, a new password the rotation could not verify. A
 * password policy drawing from printable ASCII never meets this.
 */
export function assertNewPasswordVerifiable(masks: Readonly<Record<string, string>>): void {
  const next = Object.hasOwn(masks, 'NEW_PASSWORD') ? masks.NEW_PASSWORD : undefined;
  if (next === undefined || isScramStable(next)) return;
  throw validationError('masks.NEW_PASSWORD', 'the new password changes under SASLprep normalization (NFKC, mapped spaces), so a PostgreSQL login could not verify it; use a password policy without such characters');
}
