import type { Argument, Diagnostic, SourceLocation } from '../ast.js';
import { readLenientArgument } from '../lenient-argument.js';
import { scanArgument } from '../mask-segments.js';
import { isSecretMask } from '../masks.js';
import { diagnostic, location, quoteForMessage } from '../parse-result.js';
import { HEADER_NAME, HEADER_VALUE } from './header-masks.js';
import { HTTP_METHODS } from './http-program.js';
import type { HttpStep } from './http-program.js';
import { urlMaskParts } from './url-masks.js';

/** One command line, split into its word and the rest. */
export interface CommandInput {
  /** Where the command word stands. */
  readonly loc: SourceLocation;
  /** Everything after the command word and its spaces. */
  readonly rest: string;
  readonly restColumn: number;
}

export interface CommandOutput {
  readonly step: HttpStep | null;
  readonly diagnostics: readonly Diagnostic[];
}

type CommandParser = (input: CommandInput, name: string) => CommandOutput;

/** Headers the executor writes itself, from the body it sends. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding', 'connection']);
const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;.*)?$/;

const method: CommandParser = (input, name) =>
  withLiteral(input, name, 'an HTTP method', (raw, loc) => {
    const found = HTTP_METHODS.find((candidate) => candidate === raw.toUpperCase());
    if (found) return built({ kind: 'set-request-method', method: found, loc: input.loc });
    return failed(diagnostic('error', 'invalid-value', `expected one of ${HTTP_METHODS.join(', ')}, got ${quoteForMessage(raw)}`, loc));
  });

const contentType: CommandParser = (input, name) =>
  withLiteral(input, name, 'a content type such as application/json', (raw, loc) => {
    if (CONTENT_TYPE.test(raw) && HEADER_VALUE.test(raw)) return built({ kind: 'set-content-type', contentType: raw, loc: input.loc });
    return failed(diagnostic('error', 'invalid-value', `expected a content type such as application/json, got ${quoteForMessage(raw)}`, loc));
  });

const header: CommandParser = (input, name) =>
  withPair(input, name, ':', '"Name: value"', (key, value, keyLoc) => {
    if (!HEADER_NAME.test(key)) return [diagnostic('error', 'invalid-header', `${quoteForMessage(key)} is not a header name`, keyLoc)];
    if (RESERVED_HEADERS.has(key.toLowerCase())) return [diagnostic('error', 'invalid-header', `${key} is written by the executor from the body it sends`, keyLoc)];
    const bad = value.segments.some((segment) => segment.kind === 'text' && !HEADER_VALUE.test(segment.text));
    return bad ? [diagnostic('error', 'invalid-header', 'a header value cannot hold control characters', value.loc)] : [];
  }, (key, value) => ({ kind: 'set-request-header', name: key, value, loc: input.loc }));

const param: CommandParser = (input, name) =>
  withPair(input, name, '=', '"name=value"', (key, _value, keyLoc) =>
    key ? [] : [diagnostic('error', 'missing-argument', 'expected a parameter name before =', keyLoc)],
  (key, value) => ({ kind: 'set-request-param', name: key, value, loc: input.loc }));

const content: CommandParser = (input, name) => withText(input, name, (text) => ({ kind: 'set-request-content', content: text, loc: input.loc }));

const request: CommandParser = (input, name) => {
  const output = withText(input, name, (url) => ({ kind: 'request', url, loc: input.loc }));
  const step = output.step;
  if (step?.kind !== 'request') return output;
  return { step, diagnostics: [...output.diagnostics, ...urlDiagnostics(step.url)] };
};

function patternCommand(kind: 'expect' | 'no-expect'): CommandParser {
  return (input, name) => withText(input, name, (pattern) => ({ kind, pattern, loc: input.loc }));
}

/** Every HTTP command by lower-case name (commands are case-insensitive). */
export const HTTP_COMMANDS: ReadonlyMap<string, CommandParser> = new Map<string, CommandParser>([
  ['set-request-method', method],
  ['set-request-header', header],
  ['set-request-param', param],
  ['set-request-content', content],
  ['set-content-type', contentType],
  ['request', request],
  ['expect', patternCommand('expect')],
  ['no-expect', patternCommand('no-expect')],
  ['noexpect', patternCommand('no-expect')],
]);

/** Masks in the scheme are refused; a secret in the URL lands in access logs, so it is flagged. */
function urlDiagnostics(url: Argument): Diagnostic[] {
  const parts = urlMaskParts(url);
  const masks = url.segments.flatMap((segment) => (segment.kind === 'mask' ? [segment] : []));
  const problems = masks.flatMap((mask, index) => {
    if (parts[index] === 'scheme') return [diagnostic('error', 'mask-in-scheme', `[#${mask.name}#] cannot stand before "://": write the scheme and host of the URL`, mask.loc)];
    if (isSecretMask(mask.name)) return [diagnostic('warning', 'secret-in-url', `[#${mask.name}#] in a URL lands in access logs; send it in the request content or a POST parameter`, mask.loc)];
    return [];
  });
  return [...problems, ...urlShapeDiagnostics(url, parts)];
}

/** Checks the URL with harmless stand-ins for its masks: it must be an absolute http(s) URL. */
function urlShapeDiagnostics(url: Argument, parts: readonly string[]): Diagnostic[] {
  if (parts.includes('scheme')) return [];
  let position = 0;
  const sample = url.segments.map((segment) => {
    if (segment.kind === 'text') return segment.text;
    const part = parts[position];
    position += 1;
    return part === 'host' ? 'localhost' : part === 'port' ? '1' : 'x';
  }).join('');
  try {
    const parsed = new URL(sample);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return [];
  } catch {
    // Reported below.
  }
  return [diagnostic('error', 'invalid-url', 'expected an absolute http:// or https:// URL', url.loc)];
}

function withText(input: CommandInput, name: string, build: (argument: Argument) => HttpStep): CommandOutput {
  if (!input.rest) return failed(missing(name, 'a quoted argument', input));
  const raw = readLenientArgument(input.rest, input.loc.line, input.restColumn);
  const { argument, diagnostics } = scanArgument(raw.text, raw.loc);
  return { step: Object.freeze(build(argument)), diagnostics: [...raw.diagnostics, ...diagnostics] };
}

/** `"key<separator>value"`: a literal key (no masks) and a value with masks. */
function withPair(
  input: CommandInput,
  name: string,
  separator: string,
  what: string,
  check: (key: string, value: Argument, keyLoc: SourceLocation) => Diagnostic[],
  build: (key: string, value: Argument) => HttpStep,
): CommandOutput {
  if (!input.rest) return failed(missing(name, what, input));
  const raw = readLenientArgument(input.rest, input.loc.line, input.restColumn);
  const split = raw.text.indexOf(separator);
  if (split === -1) return { step: null, diagnostics: [...raw.diagnostics, diagnostic('error', 'missing-argument', `${name} expects ${what}`, raw.loc)] };
  const key = raw.text.slice(0, split).trim();
  if (key.includes('[#')) return { step: null, diagnostics: [...raw.diagnostics, diagnostic('error', 'invalid-value', `the name before ${separator} is literal; masks are not allowed there`, raw.loc)] };
  const valueText = raw.text.slice(split + 1);
  const skipped = separator === ':' ? (/^\s*/.exec(valueText)?.[0].length ?? 0) : 0;
  const scanned = scanArgument(valueText.slice(skipped), location(raw.loc.line, raw.loc.column + split + 1 + skipped));
  const problems = check(key, scanned.argument, raw.loc);
  const all = [...raw.diagnostics, ...scanned.diagnostics, ...problems];
  if (problems.some((problem) => problem.severity === 'error')) return { step: null, diagnostics: all };
  return { step: Object.freeze(build(key, scanned.argument)), diagnostics: all };
}

/** For arguments that are values, not text: no masks, surrounding spaces ignored. */
function withLiteral(input: CommandInput, name: string, what: string, interpret: (raw: string, loc: SourceLocation) => CommandOutput): CommandOutput {
  if (!input.rest) return failed(missing(name, what, input));
  const raw = readLenientArgument(input.rest, input.loc.line, input.restColumn);
  if (raw.text.includes('[#')) return { step: null, diagnostics: [...raw.diagnostics, diagnostic('error', 'invalid-value', `expected ${what}; masks are not allowed here`, raw.loc)] };
  const result = interpret(raw.text.trim(), raw.loc);
  return { step: result.step, diagnostics: [...raw.diagnostics, ...result.diagnostics] };
}

function missing(name: string, what: string, input: CommandInput): Diagnostic {
  return diagnostic('error', 'missing-argument', `${name} expects ${what}`, location(input.loc.line, input.restColumn));
}

function built(step: HttpStep): CommandOutput {
  return { step: Object.freeze(step), diagnostics: [] };
}

function failed(problem: Diagnostic): CommandOutput {
  return { step: null, diagnostics: [problem] };
}
