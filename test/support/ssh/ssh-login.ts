import ssh2 from 'ssh2';
import type { ConnectConfig } from 'ssh2';

/** Who logs in, and with what. */
export interface TestLogin {
  readonly username: string;
  readonly password?: string;
  readonly privateKey?: string;
  readonly passphrase?: string;
}

export interface TestTarget {
  readonly address: string;
  readonly port: number;
}

/**
 * Logs in with a real SSH client and runs `command` (no PTY); resolves to its stdout, or
 * rejects with the client's error (`level: 'client-authentication'` when the login is refused).
 * Independent of the executor under test, so a test can check what really works on a host.
 */
export function sshRun(target: TestTarget, login: TestLogin, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('error', reject);
    client.on('ready', () => {
      client.exec(command, (error, stream) => {
        if (error) return reject(error);
        let output = '';
        stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
        stream.on('close', () => {
          client.end();
          resolve(output);
        });
      });
    });
    client.connect(connectConfig(target, login));
  });
}

/** `true` when the login is accepted, `false` when the server refuses it; other failures throw. */
export async function canLogIn(target: TestTarget, login: TestLogin): Promise<boolean> {
  try {
    await sshRun(target, login, 'true');
    return true;
  } catch (error) {
    if ((error as { level?: string }).level === 'client-authentication') return false;
    throw error;
  }
}

function connectConfig(target: TestTarget, login: TestLogin): ConnectConfig {
  return {
    host: target.address,
    port: target.port,
    username: login.username,
    password: login.password,
    privateKey: login.privateKey,
    passphrase: login.passphrase,
    readyTimeout: 15_000,
    // Test hosts are ours; the executor's own pinning is what the tests check.
    hostVerifier: () => true,
  };
}
