import type ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import type { SshStep } from '../../templates/ssh/ssh-program.js';
import { ExpectBuffer } from './expect-buffer.js';
import { openShell } from './ssh-connection.js';
import { sessionFailure, stoppedError } from './ssh-errors.js';
import { StepRunner } from './step-runner.js';
import type { StepRunnerDeps } from './step-runner.js';

/** What a session needs besides the connection: the runner's inputs without the I/O. */
export type SessionOptions = Omit<StepRunnerDeps, 'send' | 'buffer'>;

/**
 * Runs the steps on a PTY shell of a logged-in connection. Everything received goes to the
 * expect buffer and the transcript as it arrives; the session ends when the steps do, when
 * the target closes it, or at once when the engine aborts (`signal`).
 */
export async function runShellSession(client: ssh2.Client, steps: readonly SshStep[], options: SessionOptions): Promise<number> {
  const buffer = new ExpectBuffer();
  const channel = await openShellOrFail(client, options.signal);
  const detach = wire(client, channel, buffer, options);
  try {
    const runner = new StepRunner({ ...options, buffer, send: (text) => void channel.write(text) });
    return await runner.run(steps);
  } finally {
    detach();
    channel.end();
  }
}

async function openShellOrFail(client: ssh2.Client, signal: AbortSignal): Promise<ClientChannel> {
  try {
    return await openShell(client);
  } catch (error) {
    if (signal.aborted) throw stoppedError(signal);
    throw sessionFailure('OST_EXEC_CONNECT', `the target refused an interactive shell: ${error instanceof Error ? error.message : String(error)}`, false, error);
  }
}

/** Connects channel, connection and abort signal to the buffer; returns the undo. */
function wire(client: ssh2.Client, channel: ClientChannel, buffer: ExpectBuffer, options: SessionOptions): () => void {
  const onData = (text: string): void => options.transcript.received(buffer.push(text));
  const onChannelClose = (): void => buffer.close(new Error('the target closed the session'));
  const onConnectionError = (error: Error): void => buffer.close(new Error(`the connection failed (${error.message})`));
  const onAbort = (): void => {
    buffer.close(new Error('the engine stopped the attempt'));
    client.destroy();
  };
  // UTF-8 decoding in the stream keeps a character split across packets whole.
  channel.setEncoding('utf8');
  channel.on('data', onData);
  channel.stderr.setEncoding('utf8').on('data', onData);
  channel.on('close', onChannelClose);
  client.on('error', onConnectionError);
  options.signal.addEventListener('abort', onAbort, { once: true });
  if (options.signal.aborted) onAbort();
  return () => {
    channel.off('data', onData);
    channel.stderr.off('data', onData);
    channel.off('close', onChannelClose);
    client.off('error', onConnectionError);
    options.signal.removeEventListener('abort', onAbort);
  };
}
