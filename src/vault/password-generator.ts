import { randomInt } from 'node:crypto';
import { characterPools, type PasswordPolicy } from './password-policy.js';

export {
  DEFAULT_PASSWORD_POLICY,
  DEFAULT_SYMBOL_SET,
  parsePasswordPolicy,
  type PasswordPolicy,
  type PasswordPolicyInput,
} from './password-policy.js';

/**
 * A new password by `policy`, from the CSPRNG only: `crypto.randomInt` draws without modulo
 * bias. Each class first gets its minimum count, the rest is drawn from every enabled
 * character, then a Fisher–Yates shuffle places the characters, so the required ones do not
 * sit at predictable positions. Throws `OST_PASSWORD_POLICY` for an impossible policy.
 */
export function generatePassword(policy: PasswordPolicy): string {
  const pools = characterPools(policy);
  const characters: string[] = [];
  for (const pool of pools) {
    for (let i = 0; i < pool.min; i += 1) characters.push(pick(pool.characters));
  }
  const everything = pools.flatMap((pool) => pool.characters);
  while (characters.length < policy.length) characters.push(pick(everything));
  shuffle(characters);
  return characters.join('');
}

function pick(characters: readonly string[]): string {
  // randomInt's bound is exclusive and the pools are non-empty here, so the index exists.
  return characters[randomInt(characters.length)] as string;
}

function shuffle(items: string[]): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j] as string, items[i] as string];
  }
}
