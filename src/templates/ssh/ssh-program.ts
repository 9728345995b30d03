import type { Argument, SourceLocation, VariableDeclaration } from '../ast.js';

/**
 * The parsed form of an SSH-dialect template (DESIGN §5): steps the SSH executor runs in
 * order. Every node is frozen and carries the 1-based line and column of its command.
 */
export interface SshProgram {
  readonly kind: 'ssh-program';
  /** The steps up to and including `end`; lines after `end` are checked but not kept. */
  readonly steps: readonly SshStep[];
  /** `#@var` declarations found in comment lines. */
  readonly variables: readonly VariableDeclaration[];
}

export type NewLineMode = 'unix' | 'windows' | 'mac';

/** What `exec` appends for each `set-new-line-mode`. */
export const NEW_LINE_SEQUENCES: Readonly<Record<NewLineMode, string>> = Object.freeze({
  unix: '\n',
  windows: '\r\n',
  mac: '\r',
});

/** Values in force before any `set-…` step. */
export const SSH_DEFAULTS = Object.freeze({
  /** @defaultValue 10 */
  connectTimeoutSeconds: 10,
  /** @defaultValue 10 */
  readTimeoutSeconds: 10,
  /** @defaultValue 'unix' */
  newLineMode: 'unix' as NewLineMode,
});

interface StepBase {
  /** Where the command word stands. */
  readonly loc: SourceLocation;
}

/** `set-connect-timeout N`: seconds allowed to connect and log in. */
export interface SetConnectTimeoutStep extends StepBase {
  readonly kind: 'set-connect-timeout';
  readonly seconds: number;
}

/** `set-read-timeout N`: seconds each `expect`/`read`/`expect-regex` may wait. */
export interface SetReadTimeoutStep extends StepBase {
  readonly kind: 'set-read-timeout';
  readonly seconds: number;
}

/** `set-ssh-version 2`: accepted for compatibility; only 2 exists. */
export interface SetSshVersionStep extends StepBase {
  readonly kind: 'set-ssh-version';
  readonly version: 2;
}

/** `set-new-line-mode unix|windows|mac`: the line ending `exec` sends. */
export interface SetNewLineModeStep extends StepBase {
  readonly kind: 'set-new-line-mode';
  readonly mode: NewLineMode;
}

/** `exec "text"`: send the text and a line ending. */
export interface ExecStep extends StepBase {
  readonly kind: 'exec';
  readonly text: Argument;
}

/** `write "text"`: send the text only. */
export interface WriteStep extends StepBase {
  readonly kind: 'write';
  readonly text: Argument;
}

/**
 * `expect "pattern"`: wait until unconsumed output contains a match; `*` matches any run of
 * characters, everything else is literal (mask values too: escape them when rendering).
 */
export interface ExpectStep extends StepBase {
  readonly kind: 'expect';
  readonly pattern: Argument;
}

/** `read "text"`: wait for literal text. */
export interface ReadStep extends StepBase {
  readonly kind: 'read';
  readonly text: Argument;
}

/**
 * `expect-regex "/re/flags"` or `expect-regex "re"`: wait for a regular expression. Flags are
 * a subset of `imsu`. Render masks with a regex escape.
 */
export interface ExpectRegexStep extends StepBase {
  readonly kind: 'expect-regex';
  readonly pattern: Argument;
  readonly flags: string;
}

/** `no-expect "pattern"` (or `noexpect`): fail if the pattern shows up since the last send. */
export interface NoExpectStep extends StepBase {
  readonly kind: 'no-expect';
  readonly pattern: Argument;
}

/** `sleep "N"`: wait N seconds (fractions allowed). */
export interface SleepStep extends StepBase {
  readonly kind: 'sleep';
  readonly seconds: number;
}

/** `end`: close the session; the run succeeded if every step did. */
export interface EndStep extends StepBase {
  readonly kind: 'end';
}

export type SshStep =
  | SetConnectTimeoutStep
  | SetReadTimeoutStep
  | SetSshVersionStep
  | SetNewLineModeStep
  | ExecStep
  | WriteStep
  | ExpectStep
  | ReadStep
  | ExpectRegexStep
  | NoExpectStep
  | SleepStep
  | EndStep;

export type SshStepKind = SshStep['kind'];

/** One handler per step kind; the compiler reports a kind left out. */
export type SshStepVisitor<R> = { readonly [K in SshStepKind]: (step: Extract<SshStep, { kind: K }>) => R };

/** Calls the visitor's handler for the step's kind. */
export function visitSshStep<R>(step: SshStep, visitor: SshStepVisitor<R>): R {
  const handler = visitor[step.kind] as (node: SshStep) => R;
  return handler(step);
}

/** The argument a step sends or waits for, if it has one. */
export function stepArgument(step: SshStep): Argument | null {
  switch (step.kind) {
    case 'exec':
    case 'write':
    case 'read':
      return step.text;
    case 'expect':
    case 'expect-regex':
    case 'no-expect':
      return step.pattern;
    default:
      return null;
  }
}

/** Steps that send text to the target. */
export function isSendStep(step: SshStep): step is ExecStep | WriteStep {
  return step.kind === 'exec' || step.kind === 'write';
}

/** Steps that check the target's output. */
export function isCheckStep(step: SshStep): step is ExpectStep | ReadStep | ExpectRegexStep | NoExpectStep {
  return step.kind === 'expect' || step.kind === 'read' || step.kind === 'expect-regex' || step.kind === 'no-expect';
}
