import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_PASSWORD_POLICY,
  DEFAULT_SYMBOL_SET,
  generatePassword,
  parsePasswordPolicy,
  type PasswordPolicyInput,
} from '../../src/vault/password-generator.js';
import { expectOstiaryError } from './vault-fixtures.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALL_SYMBOLS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

function count(password: string, alphabet: string): number {
  return [...password].filter((character) => alphabet.includes(character)).length;
}

/** Policies that can always be satisfied: minimums fit the length and required classes keep a character. */
const validPolicy = fc
  .record({
    lowercase: fc.oneof(fc.constant(false as const), fc.integer({ min: 0, max: 6 })),
    uppercase: fc.oneof(fc.constant(false as const), fc.integer({ min: 0, max: 6 })),
    digits: fc.oneof(fc.constant(false as const), fc.integer({ min: 0, max: 6 })),
    symbols: fc.oneof(fc.constant(false as const), fc.integer({ min: 0, max: 6 })),
    symbolSet: fc.uniqueArray(fc.constantFrom(...ALL_SYMBOLS), { minLength: 1, maxLength: 12 }).map((chars) => chars.join('')),
    exclude: fc.subarray([...LOWER.slice(0, 20), ...UPPER.slice(3, 20), ...'0125', ...ALL_SYMBOLS.slice(0, 8)]).map((chars) => chars.join('')),
    extra: fc.integer({ min: 0, max: 40 }),
  })
  .filter((p) => [p.lowercase, p.uppercase, p.digits, p.symbols].some((rule) => rule !== false))
  .map(({ extra, ...rest }) => {
    const minimum = [rest.lowercase, rest.uppercase, rest.digits, rest.symbols].reduce<number>((sum, rule) => sum + (rule === false ? 0 : rule), 0);
    return { ...rest, length: Math.max(1, minimum + extra) } satisfies PasswordPolicyInput;
  })
  .filter((p) => {
    const symbolsLeft = [...p.symbolSet].some((character) => !p.exclude.includes(character));
    const onlySymbols = p.lowercase === false && p.uppercase === false && p.digits === false;
    return symbolsLeft || (p.symbols !== false && p.symbols === 0 && !onlySymbols) || p.symbols === false;
  });

describe('password generator', () => {
  it('has the documented defaults', () => {
    assert.deepEqual({ ...DEFAULT_PASSWORD_POLICY }, { length: 24, lowercase: 1, uppercase: 1, digits: 1, symbols: 1, symbolSet: DEFAULT_SYMBOL_SET, exclude: '' });
    assert.ok(Object.isFrozen(DEFAULT_PASSWORD_POLICY));
    const password = generatePassword(DEFAULT_PASSWORD_POLICY);
    assert.equal(password.length, 24);
    for (const alphabet of [LOWER, UPPER, DIGITS, DEFAULT_SYMBOL_SET]) assert.ok(count(password, alphabet) >= 1);
  });

  it('respects length, class minimums, disabled classes, the symbol set and exclusions (property)', () => {
    fc.assert(
      fc.property(validPolicy, (input) => {
        const policy = parsePasswordPolicy(input);
        const password = generatePassword(policy);
        assert.equal(password.length, input.length);
        const classes = [
          [input.lowercase, LOWER],
          [input.uppercase, UPPER],
          [input.digits, DIGITS],
          [input.symbols, input.symbolSet],
        ] as const;
        for (const [rule, alphabet] of classes) {
          if (rule === false) assert.equal(count(password, alphabet), 0);
          else assert.ok(count(password, alphabet) >= rule);
        }
        const allowed = classes.filter(([rule]) => rule !== false).map(([, alphabet]) => alphabet).join('');
        for (const character of password) {
          assert.ok(allowed.includes(character), 'only enabled classes');
          assert.ok(!input.exclude.includes(character), 'never an excluded character');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('does not put the required characters at predictable positions', () => {
    // One digit required in 8 characters, drawn otherwise from lowercase only: the digit must
    // show up at every position over many samples (a generator that appended minimums would fail).
    const policy = parsePasswordPolicy({ length: 8, lowercase: 0, uppercase: false, digits: 1, symbols: false });
    const positions = new Set<number>();
    for (let i = 0; i < 2000; i += 1) positions.add(generatePassword(policy).search(/[0-9]/));
    assert.deepEqual([...positions].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('draws characters uniformly (loose chi-square bound that a fair generator never exceeds)', () => {
    // All minimums 0, so every character of the union is equally likely at every position.
    const policy = parsePasswordPolicy({ length: 32, lowercase: 0, uppercase: 0, digits: 0, symbols: 0 });
    const alphabet = LOWER + UPPER + DIGITS + DEFAULT_SYMBOL_SET;
    const counts = new Map<string, number>();
    const samples = 15_000;
    for (let i = 0; i < samples; i += 1) {
      for (const character of generatePassword(policy)) counts.set(character, (counts.get(character) ?? 0) + 1);
    }
    assert.equal(counts.size, alphabet.length);
    const expected = (samples * 32) / alphabet.length;
    const chiSquare = [...counts.values()].reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    const degrees = alphabet.length - 1;
    // Mean ≈ 75, standard deviation ≈ 12; 75 + 14σ has a probability far below 1e-15 for a fair
    // generator, while `byte % 76` style bias gives a statistic in the thousands here.
    assert.ok(chiSquare < degrees + 14 * Math.sqrt(2 * degrees), `chi-square ${chiSquare.toFixed(1)} for ${degrees} degrees of freedom`);
  });

  it('gives distinct passwords', () => {
    const passwords = new Set(Array.from({ length: 1000 }, () => generatePassword(DEFAULT_PASSWORD_POLICY)));
    assert.equal(passwords.size, 1000);
  });

  it('rejects impossible policies with OST_PASSWORD_POLICY naming the field', async () => {
    const cases: [PasswordPolicyInput, string][] = [
      [{ length: 6, lowercase: 2, uppercase: 2, digits: 2, symbols: 1 }, 'passwordPolicy.length'],
      [{ lowercase: false, uppercase: false, digits: false, symbols: false }, 'passwordPolicy.lowercase,uppercase,digits,symbols'],
      [{ lowercase: 0, uppercase: false, digits: false, symbols: false, exclude: LOWER }, 'passwordPolicy.lowercase,uppercase,digits,symbols'],
      [{ digits: 2, exclude: DIGITS }, 'passwordPolicy.digits'],
      [{ uppercase: 1, exclude: UPPER }, 'passwordPolicy.uppercase'],
      [{ symbols: 1, symbolSet: '' }, 'passwordPolicy.symbols'],
      [{ symbols: 1, symbolSet: '#%', exclude: '%#' }, 'passwordPolicy.symbols'],
    ];
    for (const [input, field] of cases) {
      const error = await expectOstiaryError(() => parsePasswordPolicy(input), 'OST_PASSWORD_POLICY');
      assert.equal(error.details.field, field);
      assert.ok(error.message.startsWith(`${field}:`), error.message);
    }
  });

  it('accepts a class that is allowed but fully excluded when it is not required', () => {
    const policy = parsePasswordPolicy({ digits: 0, exclude: DIGITS });
    assert.equal(count(generatePassword(policy), DIGITS), 0);
  });

  it('rejects malformed policies with OST_VALIDATION naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ length: 0 }, 'passwordPolicy.length'],
      [{ length: 10.5 }, 'passwordPolicy.length'],
      [{ length: 5000 }, 'passwordPolicy.length'],
      [{ digits: -1 }, 'passwordPolicy.digits'],
      [{ digits: true }, 'passwordPolicy.digits'],
      [{ symbolSet: 'ab#' }, 'passwordPolicy.symbolSet'],
      [{ symbolSet: '# ' }, 'passwordPolicy.symbolSet'],
      [{ colour: 'red' }, 'passwordPolicy.(root)'],
      ['twelve', 'passwordPolicy.(root)'],
    ];
    for (const [input, field] of cases) {
      const error = await expectOstiaryError(() => parsePasswordPolicy(input), 'OST_VALIDATION');
      assert.equal(error.details.field, field, error.message);
    }
  });

  it('freezes the parsed policy', () => {
    const policy = parsePasswordPolicy({ length: 30 });
    assert.ok(Object.isFrozen(policy));
    assert.throws(() => {
      (policy as { length: number }).length = 4;
    }, TypeError);
  });
});
