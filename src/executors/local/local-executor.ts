import { homedir } from 'node:os';
import { z } from 'zod';
import { assertMasksFilled, parseTemplateOrThrow } from '../../templates/index.js';
import type { ShellLine } from '../../templates/index.js';
import { parseExecutorConfig } from '../executor-config.js';
import { FinalExecutorError, RetryableExecutorError } from '../executor.js';
import type { ExecutionContext, ExecutionOutcome, Executor, TranscriptWriter } from '../executor.js';
import { minimalEnvironment } from './shell-environment.js';
import { runShellLine } from './shell-line-process.js';
import type { LineExit } from './shell-line-process.js';
import { renderShellLine } from './shell-line-renderer.js';

/**
 * Exit status that asks for a retry: `EX_TEMPFAIL` from sysexits.h ("temporary failure;
 * user is invited to retry"). A line ending with it fails the attempt as retryable, so the
 * operation's retry policy applies; every other non-zero status fails the operation.
 */
export const EXIT_TEMPFAIL = 75;

export interface LocalExecutorOptions {
  /** @defaultValue `/bin/sh` */
  readonly shell?: string;
  /** Working directory of every line. @defaultValue the home directory of the Ostiary user */
  readonly cwd?: string;
  /** After a line's shell exits, how long to wait for output from processes it left behind, in ms. @defaultValue 500 */
  readonly drainMs?: number;
}

/**
 * Runs a `local` template on the Ostiary host: each non-empty, non-`#` line in its own
 * `/bin/sh`, one after the other, with a minimal environment. The transcript shows
 * `$ <line>`, the line's output as it arrives, then `[exit N]`.
 *
 * A line that exits non-zero fails the operation (`OST_EXEC_STEP_FAILED`, naming the line),
 * except exit 75 (`EX_TEMPFAIL`), which a template uses to ask for a retry by the
 * operation's retry policy. Lines after a failed one do not run. Mask values are escaped for
 * the quoting context they stand in (see `renderShellLine`), and a line is written to its
 * shell's stdin, so no value shows in `ps`.
 */
export class LocalExecutor implements Executor {
  readonly name = 'local';
  /** The local executor takes no device settings; any given are refused by name. */
  readonly configSchema = z.object({}).strict();
  readonly #shell: string;
  readonly #cwd: string;
  readonly #drainMs: number;

  constructor(options: LocalExecutorOptions = {}) {
    this.#shell = options.shell ?? '/bin/sh';
    this.#cwd = options.cwd ?? homedir();
    this.#drainMs = options.drainMs ?? 500;
  }

  async run(context: ExecutionContext): Promise<ExecutionOutcome> {
    parseExecutorConfig(this.configSchema, context.executorConfig);
    const program = parseTemplateOrThrow('local', context.template.source);
    assertMasksFilled(program, context.masks);
    for (const line of program.lines) await this.#runLine(line, context);
    return { summary: `${program.lines.length} line${program.lines.length === 1 ? '' : 's'}, exit 0` };
  }

  async #runLine(line: ShellLine, context: ExecutionContext): Promise<void> {
    const text = renderShellLine(line.text, context.masks);
    const transcript = new LineTranscript(context.transcript);
    transcript.write(`$ ${text}\n`);
    const exit = await runShellLine(text, {
      shell: this.#shell, cwd: this.#cwd, env: minimalEnvironment(), signal: context.signal, transcript, drainMs: this.#drainMs,
    });
    transcript.endLine(exitNote(exit));
    throwUnlessSucceeded(exit, line.loc.line);
  }
}

function throwUnlessSucceeded(exit: LineExit, lineNumber: number): void {
  const where = `line ${lineNumber}`;
  switch (exit.kind) {
    case 'exited':
      if (exit.status === 0) return;
      if (exit.status === EXIT_TEMPFAIL) {
        throw new RetryableExecutorError('OST_EXEC_STEP_FAILED', `${where} exited with status 75 (EX_TEMPFAIL: temporary failure, retried by policy)`);
      }
      throw new FinalExecutorError('OST_EXEC_STEP_FAILED', `${where} exited with status ${exit.status}`);
    case 'signalled':
      throw new FinalExecutorError('OST_EXEC_STEP_FAILED', `${where} was killed by ${exit.signal}`);
    case 'aborted':
      throw new FinalExecutorError('OST_EXEC_CANCELLED', `${where} was stopped`);
    case 'spawn-failed':
      throw new FinalExecutorError('OST_EXEC_STEP_FAILED', `${where}: could not start the shell (${exit.error.message})`, { cause: exit.error });
  }
}

function exitNote(exit: LineExit): string {
  if (exit.kind === 'exited') return `[exit ${exit.status}]`;
  if (exit.kind === 'signalled') return `[killed by ${exit.signal}]`;
  if (exit.kind === 'aborted') return '[stopped]';
  return '[shell did not start]';
}

/** Remembers whether the output ended with a line break, so `[exit N]` always starts a line. */
class LineTranscript implements TranscriptWriter {
  #atLineStart = true;
  constructor(private readonly target: TranscriptWriter) {}

  write(text: string): void {
    if (text.length === 0) return;
    this.target.write(text);
    this.#atLineStart = text.endsWith('\n');
  }

  endLine(note: string): void {
    this.write(`${this.#atLineStart ? '' : '\n'}${note}\n`);
  }
}
