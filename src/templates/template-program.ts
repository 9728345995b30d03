import type { Argument } from './ast.js';
import type { LocalProgram } from './local/local-program.js';
import { stepArgument } from './ssh/ssh-program.js';
import type { SshProgram } from './ssh/ssh-program.js';

/** The dialects this module parses; each is also the name of the executor that runs it. */
export const TEMPLATE_DIALECTS = ['ssh', 'local'] as const;
export type TemplateDialect = (typeof TEMPLATE_DIALECTS)[number];

/** A parsed program of any dialect. */
export type TemplateProgram = SshProgram | LocalProgram;

/** Every argument of a program, in source order. */
export function programArguments(program: TemplateProgram): Argument[] {
  if (program.kind === 'local-program') return program.lines.map((line) => line.text);
  return program.steps.flatMap((step) => {
    const argument = stepArgument(step);
    return argument ? [argument] : [];
  });
}

export function isTemplateDialect(value: string): value is TemplateDialect {
  return (TEMPLATE_DIALECTS as readonly string[]).includes(value);
}
