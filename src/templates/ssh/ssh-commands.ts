import type { Argument, Diagnostic, SourceLocation } from '../ast.js';
import { readLenientArgument } from '../lenient-argument.js';
import type { LenientText } from '../lenient-argument.js';
import { scanArgument } from '../mask-segments.js';
import { diagnostic, quoteForMessage } from '../parse-result.js';
import { splitRegexArgument } from './regex-argument.js';
import type { NewLineMode, SshStep } from './ssh-program.js';

/** One command line, split into its word and the rest. */
export interface CommandInput {
  /** Where the command word stands. */
  readonly loc: SourceLocation;
  /** Everything after the command word and its spaces. */
  readonly rest: string;
  readonly restColumn: number;
}

export interface CommandOutput {
  readonly step: SshStep | null;
  readonly diagnostics: readonly Diagnostic[];
}

type CommandParser = (input: CommandInput, name: string) => CommandOutput;

/** Allowed seconds per numeric command; outside is an error, since it is surely a typo. */
export const SECONDS_RANGES = Object.freeze({
  'set-connect-timeout': { min: 1, max: 3600 },
  'set-read-timeout': { min: 1, max: 86_400 },
  sleep: { min: 0, max: 3600 },
});

const NEW_LINE_MODES: readonly NewLineMode[] = ['unix', 'windows', 'mac'];
const DECIMAL = /^\d+(\.\d+)?$/;

const endCommand: CommandParser = (input, name) => {
  if (!input.rest) return built({ kind: 'end', loc: input.loc });
  return failed(diagnostic('error', 'unexpected-argument', `${name} takes no argument`, at(input.loc.line, input.restColumn)));
};

function textCommand(kind: 'exec' | 'write' | 'read'): CommandParser {
  return (input, name) => withText(input, name, (text) => ({ kind, text, loc: input.loc }));
}

function patternCommand(kind: 'expect' | 'no-expect'): CommandParser {
  return (input, name) => withText(input, name, (pattern) => ({ kind, pattern, loc: input.loc }));
}

function secondsCommand(kind: keyof typeof SECONDS_RANGES): CommandParser {
  return (input, name) =>
    withLiteral(input, name, 'a number of seconds', (raw, loc) => {
      const seconds = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
      if (Number.isNaN(seconds)) return failed(diagnostic('error', 'invalid-number', `expected a number of seconds, got ${quoteForMessage(raw)}`, loc));
      const { min, max } = SECONDS_RANGES[kind];
      if (seconds < min || seconds > max) return failed(diagnostic('error', 'number-out-of-range', `${name} expects ${min} to ${max} seconds, got ${quoteForMessage(raw)}`, loc));
      return built({ kind, seconds, loc: input.loc });
    });
}

const sshVersion: CommandParser = (input, name) =>
  withLiteral(input, name, 'the SSH version 2', (raw, loc) => {
    if (raw === '2') return built({ kind: 'set-ssh-version', version: 2, loc: input.loc });
    const rule = DECIMAL.test(raw) ? 'number-out-of-range' : 'invalid-number';
    return failed(diagnostic('error', rule, `only SSH version 2 is supported, got ${quoteForMessage(raw)}`, loc));
  });

const newLineMode: CommandParser = (input, name) =>
  withLiteral(input, name, 'unix, windows or mac', (raw, loc) => {
    const mode = NEW_LINE_MODES.find((candidate) => candidate === raw.toLowerCase());
    if (mode) return built({ kind: 'set-new-line-mode', mode, loc: input.loc });
    return failed(diagnostic('error', 'invalid-value', `expected unix, windows or mac, got ${quoteForMessage(raw)}`, loc));
  });

const expectRegex: CommandParser = (input, name) => {
  if (!input.rest) return failed(missing(name, 'a regular expression', input));
  const raw = readLenientArgument(input.rest, input.loc.line, input.restColumn);
  const split = splitRegexArgument(raw.text, raw.loc);
  const { argument, diagnostics } = scanArgument(split.source, split.loc);
  const all = [...raw.diagnostics, ...diagnostics, ...split.diagnostics];
  return { step: freeze({ kind: 'expect-regex', pattern: argument, flags: split.flags, loc: input.loc }), diagnostics: all };
};

/** Every SSH command by lower-case name (commands are case-insensitive: `EXEC` is `exec`). */
export const SSH_COMMANDS: ReadonlyMap<string, CommandParser> = new Map<string, CommandParser>([
  ['set-connect-timeout', secondsCommand('set-connect-timeout')],
  ['set-read-timeout', secondsCommand('set-read-timeout')],
  ['set-ssh-version', sshVersion],
  ['set-new-line-mode', newLineMode],
  ['exec', textCommand('exec')],
  ['write', textCommand('write')],
  ['expect', patternCommand('expect')],
  ['read', textCommand('read')],
  ['expect-regex', expectRegex],
  ['no-expect', patternCommand('no-expect')],
  ['noexpect', patternCommand('no-expect')],
  ['sleep', secondsCommand('sleep')],
  ['end', endCommand],
]);

function withText(input: CommandInput, name: string, build: (argument: Argument) => SshStep): CommandOutput {
  if (!input.rest) return failed(missing(name, 'a quoted argument', input));
  const raw = readLenientArgument(input.rest, input.loc.line, input.restColumn);
  const { argument, diagnostics } = scanArgument(raw.text, raw.loc);
  return { step: freeze(build(argument)), diagnostics: [...raw.diagnostics, ...diagnostics] };
}

/** For arguments that are values, not text to send: no masks, surrounding spaces ignored. */
function withLiteral(input: CommandInput, name: string, what: string, interpret: (raw: string, loc: SourceLocation) => CommandOutput): CommandOutput {
  if (!input.rest) return failed(missing(name, what, input));
  const raw: LenientText = readLenientArgument(input.rest, input.loc.line, input.restColumn);
  if (raw.text.includes('[#')) return { step: null, diagnostics: [...raw.diagnostics, maskNotAllowed(what, raw.loc)] };
  const result = interpret(raw.text.trim(), raw.loc);
  return { step: result.step, diagnostics: [...raw.diagnostics, ...result.diagnostics] };
}

function missing(name: string, what: string, input: CommandInput): Diagnostic {
  return diagnostic('error', 'missing-argument', `${name} expects ${what}`, at(input.loc.line, input.restColumn));
}

function maskNotAllowed(what: string, loc: SourceLocation): Diagnostic {
  return diagnostic('error', 'invalid-value', `expected ${what}; masks are not allowed here`, loc);
}

function built(step: SshStep): CommandOutput {
  return { step: freeze(step), diagnostics: [] };
}

function failed(problem: Diagnostic): CommandOutput {
  return { step: null, diagnostics: [problem] };
}

function freeze(step: SshStep): SshStep {
  return Object.freeze(step);
}

function at(line: number, column: number): SourceLocation {
  return Object.freeze({ line, column });
}
