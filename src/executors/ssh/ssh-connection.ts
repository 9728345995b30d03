import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthHandlerMiddleware, ClientChannel, ConnectConfig, KeyboardInteractiveCallback, Prompt } from 'ssh2';
import type { LoginMaterial } from '../executor.js';
import { FinalExecutorError } from '../executor.js';
import { fingerprintOf, hostKeyString, isSameHostKey, preferredAlgorithms } from './host-key.js';
import { connectFailure, hostKeyMismatch, stoppedError } from './ssh-errors.js';
import type { Endpoint } from './ssh-errors.js';

/** What {@link openSshConnection} needs; the executor builds it from the execution context. */
export interface SshConnectRequest {
  readonly address: string;
  readonly port: number;
  readonly login: LoginMaterial;
  /** Allowed for TCP connect, handshake and login together. */
  readonly timeoutMs: number;
  /** The device's registered or recorded host key, or `null` on first use. */
  readonly pinnedHostKey: string | null;
  /** Records the key seen on first use; resolves to the pinned one (another worker may have won). */
  readonly pinHostKey: (hostKey: string) => Promise<string>;
  readonly signal: AbortSignal;
}

/** A logged-in SSH connection and the host key it was verified with. */
export interface SshConnection {
  readonly client: ssh2.Client;
  /** `SHA256:…` of the server's host key. */
  readonly fingerprint: string;
  /** The key was unknown and has just been pinned. */
  readonly firstUse: boolean;
}

/** Connects and logs in; every failure is an executor error that says retryable or final. */
export async function openSshConnection(request: SshConnectRequest): Promise<SshConnection> {
  const endpoint: Endpoint = { address: request.address, port: request.port, username: request.login.username };
  assertKeyReadable(request.login);
  if (request.signal.aborted) throw stoppedError(request.signal);
  const client = new ssh2.Client();
  const check = new HostKeyCheck(request, endpoint);
  const ready = new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    // `on`, not `once`: an 'error' event without a listener would crash the worker. The
    // session adds its own listener once logged in; errors before that fail the login.
    client.on('error', reject);
    client.once('close', () => reject(new Error('the connection closed during login')));
  });
  ready.catch(() => undefined); // when connect() throws, nobody awaits `ready`: no unhandled rejection
  const stop = (): void => void client.destroy();
  request.signal.addEventListener('abort', stop, { once: true });
  try {
    client.connect(connectConfig(request, check));
    await ready;
  } catch (error) {
    client.destroy();
    if (request.signal.aborted) throw stoppedError(request.signal);
    throw check.failure ?? connectFailure(error, endpoint, request.timeoutMs);
  } finally {
    request.signal.removeEventListener('abort', stop);
  }
  return { client, fingerprint: check.fingerprint, firstUse: check.firstUse };
}

/** Opens the interactive shell the template talks to, on a PTY (prompts, `passwd`, device CLIs need one). */
export function openShell(client: ssh2.Client): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    // vt100 keeps devices from sending colours; wide columns keep long commands from wrapping in the echo.
    client.shell({ term: 'vt100', cols: 250, rows: 50 }, (error, channel) => (error ? reject(error) : resolve(channel)));
  });
}

/**
 * Pins the host key through ssh2's `hostVerifier`, which may answer asynchronously. A
 * refused key makes ssh2 fail the handshake; {@link failure} then says why.
 */
class HostKeyCheck {
  fingerprint = '';
  firstUse = false;
  failure: Error | null = null;

  constructor(
    private readonly request: SshConnectRequest,
    private readonly endpoint: Endpoint,
  ) {}

  verify(blob: Buffer, answer: (valid: boolean) => void): void {
    const seen = hostKeyString(blob);
    this.fingerprint = fingerprintOf(seen);
    this.#pinned(seen).then(
      (pinned) => {
        const same = isSameHostKey(pinned, seen);
        if (!same) this.failure = hostKeyMismatch(this.endpoint, fingerprintOf(pinned), this.fingerprint);
        answer(same);
      },
      (error: unknown) => {
        this.failure = error instanceof Error ? error : new Error(String(error));
        answer(false);
      },
    );
  }

  async #pinned(seen: string): Promise<string> {
    if (this.request.pinnedHostKey !== null) return this.request.pinnedHostKey;
    this.firstUse = true;
    return this.request.pinHostKey(seen);
  }
}

function connectConfig(request: SshConnectRequest, check: HostKeyCheck): ConnectConfig {
  const preferred = preferredAlgorithms(request.pinnedHostKey);
  return {
    host: request.address,
    port: request.port,
    username: request.login.username,
    readyTimeout: request.timeoutMs,
    keepaliveInterval: 15_000,
    authHandler: authHandler(request.login),
    hostVerifier: (key: Buffer, answer: (valid: boolean) => void) => check.verify(key, answer),
    // ssh2 ignores a `prepend` of an algorithm already in its list: remove it first (keys run in order).
    ...(preferred.length > 0 ? { algorithms: { serverHostKey: { remove: preferred, prepend: preferred, append: [] } } } : {}),
  };
}

/**
 * Tries what the login material allows, in this order: private key, password, then
 * keyboard-interactive answered with the password. Methods the server does not offer are
 * skipped. Keyboard-interactive is only for servers that do not take `password`: where
 * both exist they ask the same PAM stack, and a second try of a wrong password would only
 * add another failed-login delay (and another failure to the account's lockout count).
 */
function authHandler(login: LoginMaterial): AuthHandlerMiddleware {
  const queue: AnyAuthMethod[] = [];
  const { username, password, privateKey, passphrase } = login;
  if (privateKey) queue.push({ type: 'publickey', username, key: privateKey, passphrase });
  if (password !== undefined) queue.push({ type: 'password', username, password });
  if (password !== undefined) queue.push({ type: 'keyboard-interactive', username, prompt: answerPrompts(password) });
  let triedPassword = false;
  return (methodsLeft, _partialSuccess, next) => {
    // ssh2 passes `null` before the server has said which methods it accepts: ask with `none`.
    const offered = methodsLeft as (typeof methodsLeft | null);
    if (offered === null) return next({ type: 'none', username });
    for (let attempt = queue.shift(); attempt; attempt = queue.shift()) {
      if (attempt.type === 'keyboard-interactive' && triedPassword) continue;
      if (!offered.includes(attempt.type)) continue;
      triedPassword ||= attempt.type === 'password';
      return next(attempt);
    }
    // ssh2 documents `false` as "no more methods"; @types/ssh2 leaves it out of the signature.
    (next as unknown as (method: false) => void)(false);
  };
}

/**
 * Keyboard-interactive: PAM asks "Password: ". Only prompts that ask for a password get
 * it; anything else (a one-time code, a question) gets an empty answer, which fails.
 */
function answerPrompts(password: string): (name: string, instructions: string, lang: string, prompts: Prompt[], finish: KeyboardInteractiveCallback) => void {
  return (_name, _instructions, _lang, prompts, finish) => finish(prompts.map((prompt) => (/pass(word|phrase|code)?\b/i.test(prompt.prompt) ? password : '')));
}

/** A key that cannot be read (wrong passphrase, not a key) is a credential problem: final. */
function assertKeyReadable(login: LoginMaterial): void {
  if (!login.privateKey) return;
  const parsed = ssh2.utils.parseKey(login.privateKey, login.passphrase);
  if (parsed instanceof Error) {
    const why = /passphrase/i.test(parsed.message) ? 'wrong or missing passphrase' : 'not a supported private key';
    throw new FinalExecutorError('OST_EXEC_AUTH', `login.privateKey for user "${login.username}" cannot be used: ${why}`);
  }
}
