import { OstiaryError } from '../domain/index.js';
import type { Argument } from './ast.js';
import { httpArguments } from './http/http-program.js';
import type { HttpProgram } from './http/http-program.js';
import type { LocalProgram } from './local/local-program.js';
import type { SqlProgram } from './sql/sql-program.js';
import { stepArgument } from './ssh/ssh-program.js';
import type { SshProgram } from './ssh/ssh-program.js';

/** The dialects this module parses; each is also the name of the executor that runs it. */
export const TEMPLATE_DIALECTS = ['ssh', 'local', 'postgres', 'mysql', 'http'] as const;
export type TemplateDialect = (typeof TEMPLATE_DIALECTS)[number];

/** A parsed program of any dialect. */
export type TemplateProgram = SshProgram | LocalProgram | SqlProgram | HttpProgram;

/**
 * Every argument of a program that holds text and masks, in source order: what lint rules
 * and the unfilled-mask check look at. Exhaustive over program kinds, so a new dialect
 * whose masks are not listed here fails to compile.
 */
export function programArguments(program: TemplateProgram): Argument[] {
  switch (program.kind) {
    case 'ssh-program':
      return program.steps.flatMap((step) => {
        const argument = stepArgument(step);
        return argument ? [argument] : [];
      });
    case 'local-program':
      return program.lines.map((line) => line.text);
    case 'sql-program':
      return sqlArguments(program);
    case 'http-program':
      return httpArguments(program);
    default:
      return unknownProgram(program);
  }
}

/**
 * Each string literal or identifier of a SQL program that holds masks, as the argument
 * `renderSqlStatement` renders it. (Not `sqlMasksOf`: it lives beside the renderer, which
 * imports `masks.ts`, which imports this file.)
 */
function sqlArguments(program: SqlProgram): Argument[] {
  return program.statements.flatMap((statement) =>
    statement.pieces.flatMap((piece): Argument[] => (piece.kind === 'sql-verbatim' ? [] : [{ kind: 'argument', segments: piece.segments, loc: piece.loc }])),
  );
}

/** Reached only when a caller bypasses the types. */
function unknownProgram(program: never): never {
  throw new OstiaryError('OST_INTERNAL', `no template program of kind ${JSON.stringify((program as { kind?: unknown }).kind)}`);
}

export function isTemplateDialect(value: string): value is TemplateDialect {
  return (TEMPLATE_DIALECTS as readonly string[]).includes(value);
}
