import { OstiaryError } from '../domain/index.js';
import type { LoginFailureRecord, LoginFailureRepository, UserRecord, UserRepository } from '../store/access-store.js';
import { DEFAULT_LOGIN_THROTTLE, failureAfter, stricterDecision, throttleDecision } from './login-throttle.js';
import type { LoginThrottlePolicy, ThrottleDecision } from './login-throttle.js';
import { burnPasswordCheck, verifyPassword } from './password-hash.js';

export interface LoginServiceOptions {
  readonly users: UserRepository;
  readonly failures: LoginFailureRepository;
  readonly now: () => number;
  /** @defaultValue {@link DEFAULT_LOGIN_THROTTLE} */
  readonly throttle?: LoginThrottlePolicy;
}

export type LoginResult =
  | { readonly ok: true; readonly user: UserRecord }
  /** `user` is set when the username exists, so the audit event can name the account. */
  | { readonly ok: false; readonly error: OstiaryError; readonly user: UserRecord | null };

const userKey = (username: string) => `user:${username}`;
const addressKey = (address: string) => `addr:${address}`;

/**
 * Checks a username and password under the slow-down and lockout rules. It never says which
 * of the two was wrong, and a throttled or locked attempt is refused before the password is
 * even checked, so guessing cannot continue behind the lock.
 */
export class LoginService {
  readonly #options: LoginServiceOptions;
  readonly #policy: LoginThrottlePolicy;

  constructor(options: LoginServiceOptions) {
    this.#options = options;
    this.#policy = options.throttle ?? DEFAULT_LOGIN_THROTTLE;
  }

  async login(username: string, password: string, sourceAddress: string): Promise<LoginResult> {
    const user = await this.#options.users.getByUsername(username);
    const refusal = await this.#refusal(username, sourceAddress);
    if (refusal !== null) return { ok: false, error: refusal, user };
    const passwordOk = user !== null && !user.disabled ? await verifyPassword(password, user.passwordHash) : await burnPasswordCheck(password);
    if (!passwordOk || user === null) {
      await this.#recordFailure(username, sourceAddress);
      return { ok: false, error: new OstiaryError('OST_AUTH_INVALID', 'the username or password is wrong'), user };
    }
    await this.#options.failures.clear(userKey(username));
    return { ok: true, user };
  }

  /** Lifts a user's lockout (an admin's `unlock`). */
  async unlock(username: string): Promise<void> {
    await this.#options.failures.clear(userKey(username));
  }

  async #refusal(username: string, address: string): Promise<OstiaryError | null> {
    const now = this.#options.now();
    const states = await this.#options.failures.get([userKey(username), addressKey(address)]);
    const byKey = new Map(states.map((state) => [state.key, state]));
    const decide = (key: string) => throttleDecision(byKey.get(key) ?? null, this.#policy, now);
    return refusalError(stricterDecision(decide(userKey(username)), decide(addressKey(address))), now);
  }

  async #recordFailure(username: string, address: string): Promise<void> {
    const now = this.#options.now();
    const bump = (key: string, lockAfter: number) => (current: LoginFailureRecord | null) =>
      failureAfter(current, key, lockAfter, this.#policy, now);
    await this.#options.failures.recordFailure(userKey(username), bump(userKey(username), this.#policy.lockUserAfter));
    await this.#options.failures.recordFailure(addressKey(address), bump(addressKey(address), this.#policy.lockAddressAfter));
  }
}

function refusalError(decision: ThrottleDecision, now: number): OstiaryError | null {
  if (decision.allowed) return null;
  if (decision.reason === 'locked') {
    const lockedUntil = new Date(decision.lockedUntil).toISOString();
    return new OstiaryError('OST_ACCOUNT_LOCKED', `too many failed logins: locked until ${lockedUntil}`, { details: { lockedUntil } });
  }
  const retryAfterSeconds = Math.max(1, Math.ceil((decision.retryAt - now) / 1000));
  return new OstiaryError('OST_LOGIN_THROTTLED', `too many failed logins: wait ${retryAfterSeconds} s`, { details: { retryAfterSeconds } });
}
