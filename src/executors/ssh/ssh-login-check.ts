import { DEFAULT_TIMEOUTS } from '../../domain/index.js';
import { parseExecutorConfig } from '../executor-config.js';
import { ExecutorError } from '../executor.js';
import type { LoginCheck, LoginVerdict } from '../executor.js';
import { sshConfigSchema } from './ssh-config.js';
import { openSshConnection } from './ssh-connection.js';

/**
 * `Executor.verifyLogin` for SSH: logs in with the password (password or keyboard-interactive
 * authentication) and disconnects, without opening a shell. `rejected` only when the server
 * refused the credential; unreachable or slow targets throw a retryable error, a changed host
 * key a final one.
 *
 * A login check has no way to record a host key: with none pinned on the device yet, the
 * key is checked against nothing (the change template that ran before normally pinned it).
 */
export async function verifySshLogin(check: LoginCheck): Promise<LoginVerdict> {
  parseExecutorConfig(sshConfigSchema, check.executorConfig);
  const timeouts = check.timeouts ?? DEFAULT_TIMEOUTS;
  try {
    const connection = await openSshConnection({
      address: check.device.address,
      port: check.device.port,
      login: { username: check.username, password: check.password },
      timeoutMs: timeouts.connectMs,
      pinnedHostKey: check.device.hostKey,
      pinHostKey: async (seen) => seen,
      signal: check.signal ?? new AbortController().signal,
    });
    connection.client.end();
    return 'accepted';
  } catch (error) {
    if (error instanceof ExecutorError && error.code === 'OST_EXEC_AUTH') return 'rejected';
    throw error;
  }
}
