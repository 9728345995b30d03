import type { Diagnostic } from '../ast.js';
import { masksOf } from '../mask-segments.js';
import { isBuiltInMask } from '../masks.js';
import { diagnostic } from '../parse-result.js';
import { programArguments } from '../template-program.js';
import type { LintRule } from './lint-rule.js';

/**
 * A mask that is neither built in nor declared by `#@var` must come from a task variable or
 * a credential field; a warning, since only run time knows (and fails before connecting).
 */
export const unknownMask: LintRule = ({ program }) => {
  const declared = new Set(program.variables.map((variable) => variable.name));
  return programArguments(program)
    .flatMap((argument) => masksOf(argument))
    .filter((mask) => !isBuiltInMask(mask.name) && !declared.has(mask.name))
    .map((mask) => {
      const message = `[#${mask.name}#] is not a built-in mask: it must come from a task variable or a credential field (declare it with #@var ${mask.name} "pattern" "label")`;
      return diagnostic('warning', 'unknown-mask', message, mask.loc);
    });
};

/** A `#@var` no mask uses is most likely a typo of the mask's name. */
export const unusedDeclaration: LintRule = ({ program }) => {
  const used = new Set(programArguments(program).flatMap((argument) => masksOf(argument).map((mask) => mask.name)));
  return program.variables
    .filter((variable) => !used.has(variable.name))
    .map((variable): Diagnostic => diagnostic('warning', 'unused-declaration', `variable ${variable.name} is declared but no [#${variable.name}#] uses it`, variable.loc));
};
