import { OstiaryError } from '../domain/index.js';
import type { Credential, Device, Operation, OperationTimeouts, TemplateVersion } from '../domain/index.js';
import { ExecutorError } from '../executors/executor.js';
import type { ExecutionContext, Executor, LoginVerdict, TranscriptWriter } from '../executors/executor.js';
import { createRedactor } from '../vault/index.js';

/**
 * Logs in with one password and says whether the target accepted it (DESIGN.md §4, verify
 * and probe). `rejected` means the target refused that password. When it cannot tell (the
 * target is unreachable, slow, or its host key changed) it throws, and nothing may be
 * decided from the attempt.
 */
export interface LoginProbe {
  check(password: string): Promise<LoginVerdict>;
}

export interface ProbeTarget {
  readonly executor: Executor;
  readonly device: Device;
  readonly credential: Credential;
  readonly executorConfig: unknown;
  readonly timeouts: OperationTimeouts;
  readonly signal: AbortSignal;
  readonly transcript: TranscriptWriter;
  /** The operation the probe runs for (a verify template's context names it). */
  readonly operation: Operation;
  /** The credential's verify template, when it has one; else the executor's own login check. */
  readonly verifyTemplate: TemplateVersion | null;
}

/** The credential's verify template when it has one, else the executor's `verifyLogin`. */
export function loginProbeFor(target: ProbeTarget): LoginProbe {
  if (target.verifyTemplate) return templateProbe(target, target.verifyTemplate);
  const verifyLogin = target.executor.verifyLogin?.bind(target.executor);
  if (!verifyLogin) {
    throw new OstiaryError('OST_CONFIG', `rotation.verifyTemplateId: the ${target.executor.name} executor has no login check of its own; give the credential a verify template`, {
      details: { field: 'rotation.verifyTemplateId' },
    });
  }
  return {
    check: (password) =>
      verifyLogin({
        device: target.device,
        executorConfig: target.executorConfig ?? undefined,
        username: target.credential.username,
        password,
        timeouts: target.timeouts,
        signal: target.signal,
      }),
  };
}

/**
 * Runs the verify template logged in with `password`: success means accepted, an
 * authentication failure or a failed step (the template's own check) means rejected,
 * anything retryable means "cannot tell". Its transcript goes through a redactor of its own
 * before it joins the attempt's, whatever the executor writes.
 */
function templateProbe(target: ProbeTarget, template: TemplateVersion): LoginProbe {
  return {
    async check(password) {
      const redactor = createRedactor([password]).stream();
      const transcript: TranscriptWriter = { write: (text) => target.transcript.write(redactor.push(text)) };
      try {
        await target.executor.run(probeContext(target, template, password, transcript));
        return 'accepted';
      } catch (error) {
        if (error instanceof ExecutorError && error.kind === 'final' && (error.code === 'OST_EXEC_AUTH' || error.code === 'OST_EXEC_STEP_FAILED')) return 'rejected';
        throw error;
      } finally {
        target.transcript.write(redactor.flush());
      }
    },
  };
}

function probeContext(target: ProbeTarget, template: TemplateVersion, password: string, transcript: TranscriptWriter): ExecutionContext {
  const { device, credential } = target;
  return Object.freeze({
    operation: target.operation,
    template,
    device,
    credential,
    masks: Object.freeze(probeMasks(device, credential, password)),
    login: Object.freeze({ username: credential.username, password }),
    executorConfig: target.executorConfig ?? undefined,
    timeouts: target.timeouts,
    signal: target.signal,
    transcript,
    // As the executors' own login checks: a probe records no key; with none pinned yet it is
    // checked against nothing (the change template's run normally pinned it already).
    pinHostKey: async (seen: string) => seen,
  });
}

/** The masks a verify template may use; the probed password fills both password masks. */
function probeMasks(device: Device, credential: Credential, password: string): Record<string, string> {
  const masks: Record<string, string> = {
    USERNAME: credential.username,
    IP: device.address,
    HOSTNAME: device.name,
    CONNECT_IP: device.address,
    CONNECT_PORT: String(device.port),
    AUTH_USER: credential.username,
    AUTH_PASSWORD: password,
    CURRENT_PASSWORD: password,
  };
  if (credential.additionalInfo !== null) masks.ADD_INFO = credential.additionalInfo;
  if (credential.domain !== null) masks.DOMAIN = credential.domain;
  return masks;
}
