import { OstiaryError } from '../domain/index.js';
import type { Argument, SourceLocation } from './ast.js';
import { masksOf, scanArgument } from './mask-segments.js';
import { location } from './parse-result.js';
import { programArguments } from './template-program.js';
import type { TemplateProgram } from './template-program.js';

/** Masks every operation can fill from its device, credential and connection (DESIGN §5). */
export const BUILT_IN_MASKS = Object.freeze([
  'USERNAME',
  'CURRENT_PASSWORD',
  'NEW_PASSWORD',
  'AUTH_USER',
  'AUTH_PASSWORD',
  'AUTH_DOMAIN',
  'ADD_INFO',
  'IP',
  'HOSTNAME',
  'DOMAIN',
  'CONNECT_IP',
  'CONNECT_PORT',
] as const);
export type BuiltInMask = (typeof BUILT_IN_MASKS)[number];

/** Built-in masks whose values are secrets: redacted everywhere, never on a command line. */
export const SECRET_MASKS = Object.freeze(['CURRENT_PASSWORD', 'NEW_PASSWORD', 'AUTH_PASSWORD'] as const);
export type SecretMask = (typeof SECRET_MASKS)[number];

/** Password masks, filled only for rotation operations. */
export const PASSWORD_MASKS = Object.freeze(['CURRENT_PASSWORD', 'NEW_PASSWORD'] as const);

export function isBuiltInMask(name: string): name is BuiltInMask {
  return (BUILT_IN_MASKS as readonly string[]).includes(name);
}

export function isSecretMask(name: string): name is SecretMask {
  return (SECRET_MASKS as readonly string[]).includes(name);
}

/** A mask that has no value, and where it stands. */
export interface UnfilledMask {
  readonly name: string;
  readonly loc: SourceLocation;
}

/** Mask values by upper-case name. An empty string is a value; a missing key is not. */
export type MaskValues = Readonly<Record<string, string>>;

/**
 * Renders an argument with its masks replaced. `escape` is applied to mask values only,
 * never to the template's own text (a shell quote for `local`, a glob or regex escape for
 * `expect` patterns). Throws `OST_MASK_UNFILLED` naming the first mask without a value.
 */
export function renderArgument(arg: Argument, values: MaskValues, escape: (value: string) => string = (value) => value): string {
  return arg.segments
    .map((segment) => {
      if (segment.kind === 'text') return segment.text;
      return escape(maskValue(segment.name, segment.loc, values));
    })
    .join('');
}

/** Replaces the masks of a plain line of text (no template syntax); same rules as {@link renderArgument}. */
export function fillMasksInText(text: string, values: MaskValues, escape?: (value: string) => string): string {
  return renderArgument(scanArgument(text, location(1, 1)).argument, values, escape);
}

/** Every mask of the program that has no value, in source order, so the engine can stop before connecting. */
export function findUnfilledMasks(program: TemplateProgram, values: MaskValues): UnfilledMask[] {
  return programArguments(program)
    .flatMap((argument) => masksOf(argument))
    .filter((mask) => valueOf(mask.name, values) === undefined)
    .map((mask) => Object.freeze({ name: mask.name, loc: mask.loc }));
}

/** Throws `OST_MASK_UNFILLED` listing every unfilled mask (names and lines, never values). */
export function assertMasksFilled(program: TemplateProgram, values: MaskValues): void {
  const unfilled = findUnfilledMasks(program, values);
  const first = unfilled[0];
  if (!first) return;
  const names = [...new Set(unfilled.map((mask) => mask.name))];
  const where = unfilled.map((mask) => `[#${mask.name}#] on line ${mask.loc.line}`).join(', ');
  throw new OstiaryError('OST_MASK_UNFILLED', `no value for ${where}`, {
    details: { field: `masks.${first.name}`, masks: names, locations: unfilled },
  });
}

/** Every mask name a program uses, upper-case, without repeats. */
export function maskNamesOf(program: TemplateProgram): string[] {
  return [...new Set(programArguments(program).flatMap((argument) => masksOf(argument).map((mask) => mask.name)))];
}

/** Own string properties only, so `[#CONSTRUCTOR#]` never finds something on a prototype. */
function valueOf(name: string, values: MaskValues): string | undefined {
  const value = Object.hasOwn(values, name) ? values[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function maskValue(name: string, loc: SourceLocation, values: MaskValues): string {
  const value = valueOf(name, values);
  if (value !== undefined) return value;
  throw new OstiaryError('OST_MASK_UNFILLED', `no value for [#${name}#] on line ${loc.line}, column ${loc.column}`, {
    details: { field: `masks.${name}`, mask: name, line: loc.line, column: loc.column },
  });
}
