import fc from 'fast-check';

/**
 * Any Unicode scalar value (no lone surrogate, so it survives UTF-8), NUL excluded unless
 * asked for. Built from integers: `fc.string({ unit: 'binary' })` spends seconds building
 * its tables on first use.
 */
export function anyCharacter(options: { nul?: boolean } = {}): fc.Arbitrary<string> {
  return fc
    .integer({ min: options.nul ? 0 : 1, max: 0x10ffff })
    .filter((point) => point < 0xd800 || point > 0xdfff)
    .map((point) => String.fromCodePoint(point));
}

/** Text of up to `maxLength` characters from `alphabet`. */
export function textOf(alphabet: fc.Arbitrary<string>, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.array(alphabet, { minLength, maxLength }).map((characters) => characters.join(''));
}
