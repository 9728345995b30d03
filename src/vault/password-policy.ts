import { z } from 'zod';
import { OstiaryError, validationError } from '../domain/index.js';

/** Longest password a policy may ask for. */
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * Symbols used unless a policy sets its own: the ones devices accept almost everywhere.
 * Left out on purpose: quotes, backslash, backtick, `$ & ; | < > ( ) [ ] { } *`, comma and
 * space, which are special in shells, SQL, URLs or CSV and cause most "the device mangled
 * the new password" failures. A policy can widen the set with `symbolSet`.
 */
export const DEFAULT_SYMBOL_SET = '!#%+-./:=?@^_~';

const classRule = z.union(
  [z.literal(false), z.number().int().min(0).max(MAX_PASSWORD_LENGTH)],
  { error: `expected false (disabled) or a minimum count from 0 to ${MAX_PASSWORD_LENGTH}` },
);

const symbolSet = z
  .string()
  .max(128)
  .refine((value) => /^[\x21-\x7e]*$/.test(value) && !/[A-Za-z0-9]/.test(value), {
    error: 'expected printable ASCII symbols only (no letters, digits, spaces or control characters)',
  });

const policySchema = z
  .object({
    length: z.number().int().min(1).max(MAX_PASSWORD_LENGTH).default(24),
    lowercase: classRule.default(1),
    uppercase: classRule.default(1),
    digits: classRule.default(1),
    symbols: classRule.default(1),
    symbolSet: symbolSet.default(DEFAULT_SYMBOL_SET),
    exclude: z.string().max(256).default(''),
  })
  .strict();

/**
 * How a generated password must look. Each class (`lowercase`, `uppercase`, `digits`,
 * `symbols`) is `false` (never used) or the minimum count of its characters (`0`: allowed,
 * not required). Build one with {@link parsePasswordPolicy}; it is validated and frozen.
 */
export type PasswordPolicy = Readonly<z.output<typeof policySchema>>;

/** What callers may pass; every field is optional and has the default shown in docs/vault.md. */
export type PasswordPolicyInput = z.input<typeof policySchema>;

export type CharacterClassName = 'lowercase' | 'uppercase' | 'digits' | 'symbols';

/** One enabled class after exclusions: its minimum and its distinct characters. */
export interface CharacterPool {
  readonly name: CharacterClassName;
  readonly min: number;
  readonly characters: readonly string[];
}

const ALPHABETS: Readonly<Record<Exclude<CharacterClassName, 'symbols'>, string>> = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
};

/**
 * Validates a policy (`OST_VALIDATION` naming the field for a wrong shape,
 * `OST_PASSWORD_POLICY` naming the field when no password can satisfy it), fills in the
 * defaults and freezes it.
 */
export function parsePasswordPolicy(input: unknown): PasswordPolicy {
  const parsed = policySchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw validationError(`passwordPolicy.${issue?.path.join('.') || '(root)'}`, issue?.message ?? 'invalid');
  }
  const policy = Object.freeze(parsed.data);
  characterPools(policy);
  return policy;
}

/** Length 24, at least one of each class, {@link DEFAULT_SYMBOL_SET}, nothing excluded. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = parsePasswordPolicy({});

/**
 * The enabled classes with their characters left after `exclude`. The classes never share a
 * character (symbols may not be letters or digits), so their union has no duplicates and a
 * character drawn from it is uniform. Throws `OST_PASSWORD_POLICY` for an impossible policy.
 */
export function characterPools(policy: PasswordPolicy): readonly CharacterPool[] {
  const excluded = new Set(policy.exclude);
  const pools: CharacterPool[] = [];
  for (const name of ['lowercase', 'uppercase', 'digits', 'symbols'] as const) {
    const rule = policy[name];
    if (rule === false) continue;
    const alphabet = name === 'symbols' ? policy.symbolSet : ALPHABETS[name];
    const characters = [...new Set(alphabet)].filter((character) => !excluded.has(character));
    if (rule > 0 && characters.length === 0) throw impossible(name, `requires at least ${rule} but no ${name} character is left after ${name === 'symbols' ? 'symbolSet and ' : ''}exclude`);
    pools.push({ name, min: rule, characters });
  }
  checkFeasible(policy, pools);
  return pools;
}

function checkFeasible(policy: PasswordPolicy, pools: readonly CharacterPool[]): void {
  if (pools.every((pool) => pool.characters.length === 0)) {
    throw impossible('lowercase,uppercase,digits,symbols', 'every character class is disabled or fully excluded; enable at least one');
  }
  const required = pools.reduce((sum, pool) => sum + pool.min, 0);
  if (required > policy.length) {
    throw impossible('length', `is ${policy.length} but the class minimums add up to ${required}`);
  }
}

function impossible(field: string, problem: string): OstiaryError {
  return new OstiaryError('OST_PASSWORD_POLICY', `passwordPolicy.${field}: ${problem}`, { details: { field: `passwordPolicy.${field}` } });
}
