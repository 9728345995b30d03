import { z } from 'zod';
import type { ExecutionContext, ExecutionOutcome, Executor, LoginCheck, LoginVerdict } from '../../../src/executors/executor.js';
import { FinalExecutorError, RetryableExecutorError } from '../../../src/executors/executor.js';

/**
 * How the fake target behaves on the next change:
 * - `normal` — logs in with the current password and sets the new one;
 * - `refuse` — fails before changing anything (a final error);
 * - `change-then-fail` — sets the new password, then the connection drops (retryable);
 * - `drop-before` — the connection drops before anything changed (retryable);
 * - `ignore` — says it worked but changes nothing.
 */
export type ChangeBehaviour = 'normal' | 'refuse' | 'change-then-fail' | 'drop-before' | 'ignore';

/**
 * An in-process stand-in for a target system, for pure unit tests of the protocol (no
 * process boundary is crossed): it holds one password per user and answers the executor
 * interface the way a real one does. Real executors are tested against real servers elsewhere.
 */
export class FakeDevice implements Executor {
  readonly name = 'fake';
  readonly configSchema = z.unknown();
  readonly passwords = new Map<string, string>();
  behaviour: ChangeBehaviour = 'normal';
  /** Users whose password the next change should fail for (a child that fails), whatever `behaviour` says. */
  readonly failingUsers = new Set<string>();
  reachable = true;
  changes = 0;
  checks = 0;
  /** Every mask value and login the fake saw, so a test can prove it was given what it needed. */
  readonly seen: string[] = [];

  async run(context: ExecutionContext): Promise<ExecutionOutcome> {
    if (!this.reachable) throw new RetryableExecutorError('OST_EXEC_CONNECT', 'connect to fake: connection refused');
    const user = context.masks.USERNAME ?? '';
    const login = context.login;
    if (!login || this.passwords.get(login.username) !== login.password) throw new FinalExecutorError('OST_EXEC_AUTH', 'fake: authentication failed');
    const next = context.masks.NEW_PASSWORD;
    if (next === undefined) throw new FinalExecutorError('OST_MASK_UNFILLED', 'no value for [#NEW_PASSWORD#]');
    context.transcript.write(`> change password of ${user}\n`);
    return this.#change(user, next);
  }

  async verifyLogin(check: LoginCheck): Promise<LoginVerdict> {
    this.checks += 1;
    if (!this.reachable) throw new RetryableExecutorError('OST_EXEC_CONNECT', 'connect to fake: connection refused');
    return this.passwords.get(check.username) === check.password ? 'accepted' : 'rejected';
  }

  #change(user: string, next: string): ExecutionOutcome {
    this.changes += 1;
    const behaviour = this.failingUsers.has(user) ? 'refuse' : this.behaviour;
    if (behaviour === 'refuse') throw new FinalExecutorError('OST_EXEC_STEP_FAILED', 'fake: the device refused the new password');
    if (behaviour === 'drop-before') throw new RetryableExecutorError('OST_EXEC_CONNECT', 'fake: connection reset');
    if (behaviour !== 'ignore') this.passwords.set(user, next);
    if (behaviour === 'change-then-fail') throw new RetryableExecutorError('OST_EXEC_CONNECT', 'fake: connection reset after the change');
    return { summary: 'password changed' };
  }
}
