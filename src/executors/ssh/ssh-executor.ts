import type ssh2 from 'ssh2';
import { findUnfilledMasks, isSecretMask } from '../../templates/masks.js';
import type { MaskValues } from '../../templates/masks.js';
import { parseSshTemplate } from '../../templates/ssh/parse-ssh-template.js';
import type { SshProgram } from '../../templates/ssh/ssh-program.js';
import { createRedactor } from '../../vault/redactor.js';
import type { Redactor } from '../../vault/redactor.js';
import { parseExecutorConfig } from '../executor-config.js';
import type { ExecutionContext, ExecutionOutcome, Executor, LoginCheck, LoginMaterial, LoginVerdict } from '../executor.js';
import { FinalExecutorError } from '../executor.js';
import { SessionTranscript } from './session-transcript.js';
import { sshConfigSchema } from './ssh-config.js';
import { openSshConnection } from './ssh-connection.js';
import { stoppedError } from './ssh-errors.js';
import { verifySshLogin } from './ssh-login-check.js';
import { runShellSession } from './ssh-session.js';
import type { SessionOptions } from './ssh-session.js';

/**
 * The `ssh` executor (docs/ssh-executor.md): logs in to the device over SSH, pinning its host
 * key, opens a PTY shell and runs an SSH-dialect template against it, step by step.
 */
export class SshExecutor implements Executor {
  readonly name = 'ssh';
  readonly configSchema = sshConfigSchema;

  async run(context: ExecutionContext): Promise<ExecutionOutcome> {
    if (context.signal.aborted) throw stoppedError(context.signal);
    parseExecutorConfig(sshConfigSchema, context.executorConfig);
    const program = parseProgram(context.template.source);
    assertMasksFilled(program, context.masks);
    const transcript = new SessionTranscript(context.transcript);
    const { client, endpoint } = await connect(context, program, transcript);
    try {
      const steps = await runShellSession(client, program.steps, sessionOptions(context, transcript));
      transcript.note(`session closed after ${steps} steps`);
      return { summary: `${steps} steps on ${endpoint}` };
    } finally {
      client.end();
    }
  }

  verifyLogin(check: LoginCheck): Promise<LoginVerdict> {
    return verifySshLogin(check);
  }
}

/** The executor every worker registers under `ssh`. */
export const sshExecutor: Executor = new SshExecutor();

/** Before any step runs: every failure here is classified by {@link openSshConnection}. */
async function connect(context: ExecutionContext, program: SshProgram, transcript: SessionTranscript): Promise<{ client: ssh2.Client; endpoint: string }> {
  const { address, port, hostKey } = deviceOf(context);
  const login = loginOf(context);
  const connection = await openSshConnection({
    address, port, login, signal: context.signal,
    timeoutMs: connectTimeoutMs(program, context),
    pinnedHostKey: hostKey,
    pinHostKey: (seen) => context.pinHostKey(seen),
  });
  const pinned = connection.firstUse ? ' (pinned on first use)' : '';
  transcript.note(`connected to ${address}:${port} as ${login.username}; host key ${connection.fingerprint}${pinned}`);
  return { client: connection.client, endpoint: `${address}:${port}` };
}

function sessionOptions(context: ExecutionContext, transcript: SessionTranscript): SessionOptions {
  const secrets = secretValues(context.masks, loginOf(context));
  return {
    masks: context.masks,
    displayMasks: displayMasks(context.masks, secrets),
    transcript,
    readTimeoutMs: context.timeouts.readMs,
    signal: context.signal,
    redact: redactOnDemand([...secrets]),
  };
}

/**
 * Only an error message quotes output, so the redactor is built the first time one does: an
 * automaton over a private key's variants costs about 1 MB and several milliseconds, which
 * every successful session would otherwise pay (and the engine redacts the transcript anyway).
 */
function redactOnDemand(secrets: readonly string[]): (text: string) => string {
  let redactor: Redactor | null = null;
  return (text) => (redactor ??= createRedactor(secrets)).redact(text);
}

function parseProgram(source: string): SshProgram {
  const parsed = parseSshTemplate(source);
  if (parsed.ok) return parsed.value;
  const errors = parsed.diagnostics.filter((entry) => entry.severity === 'error');
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  const where = first ? `line ${first.loc.line}, column ${first.loc.column}: ${first.message}` : 'unknown error';
  return fail('OST_TEMPLATE_PARSE', `template ${where}${more}`);
}

/** Before anything connects (DESIGN §5): names and lines, never values. */
function assertMasksFilled(program: SshProgram, masks: MaskValues): void {
  const unfilled = findUnfilledMasks(program, masks);
  if (unfilled.length === 0) return;
  const where = unfilled.map((mask) => `[#${mask.name}#] on line ${mask.loc.line}`).join(', ');
  fail('OST_MASK_UNFILLED', `no value for ${where}`);
}

function deviceOf(context: ExecutionContext): { address: string; port: number; hostKey: string | null } {
  const { device } = context;
  if (!device) return fail('OST_VALIDATION', 'operation.deviceId: the ssh executor needs a device to connect to');
  return { address: device.address, port: device.port, hostKey: device.hostKey };
}

function loginOf(context: ExecutionContext): LoginMaterial {
  const { login } = context;
  if (!login) return fail('OST_VALIDATION', 'operation.credentialId: the ssh executor needs a credential to log in with');
  if (login.password === undefined && !login.privateKey) return fail('OST_VALIDATION', 'login: the credential has neither a password nor a private key');
  return login;
}

/** The last `set-connect-timeout` of the template wins; it applies before the first step runs. */
function connectTimeoutMs(program: SshProgram, context: ExecutionContext): number {
  const steps = program.steps.filter((step) => step.kind === 'set-connect-timeout');
  const last = steps.at(-1);
  return last ? last.seconds * 1000 : context.timeouts.connectMs;
}

/**
 * Values that must never be written by the executor itself: the secret masks, and the login
 * material (a custom field holding the same password is covered by the value, whatever its name).
 */
function secretValues(masks: MaskValues, login: LoginMaterial): Set<string> {
  const values = new Set([login.password, login.passphrase, login.privateKey].filter((value): value is string => !!value));
  for (const [name, value] of Object.entries(masks)) if (isSecretMask(name) && value) values.add(value);
  return values;
}

/** Masks for display: any mask whose value is secret shows as its own `[#NAME#]`. */
function displayMasks(masks: MaskValues, secrets: ReadonlySet<string>): MaskValues {
  return Object.fromEntries(Object.entries(masks).map(([name, value]) => [name, secrets.has(value) ? `[#${name}#]` : value]));
}

function fail(code: string, message: string): never {
  throw new FinalExecutorError(code, message);
}
