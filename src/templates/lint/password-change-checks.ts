import type { Argument, Diagnostic } from '../ast.js';
import { masksOf } from '../mask-segments.js';
import { isSecretMask, PASSWORD_MASKS } from '../masks.js';
import { diagnostic, location } from '../parse-result.js';
import { isCheckStep, isSendStep } from '../ssh/ssh-program.js';
import { programArguments } from '../template-program.js';
import type { LintRule } from './lint-rule.js';

/**
 * In a password change, after the last step that sends a secret, something must read the
 * target's answer (`expect`, `read`, `expect-regex` or `no-expect`); otherwise a rejected
 * password looks like success and the vault and the device drift apart. An error. (SSH
 * only: a `local` line's exit status is its check.)
 */
export const missingFinalCheck: LintRule = ({ program, type }) => {
  if (type !== 'password_change' || program.kind !== 'ssh-program') return [];
  const steps = program.steps;
  const lastSend = steps.findLastIndex((step) => isSendStep(step) && sendsSecret(step.text));
  const send = steps[lastSend];
  if (!send || steps.slice(lastSend + 1).some(isCheckStep)) return [];
  const message = `nothing checks the answer after this step sends a secret: add an expect, read, expect-regex or no-expect step (e.g. expect "*updated successfully*") before end`;
  return [diagnostic('error', 'missing-final-check', message, send.loc)];
};

/** A password change that never sends `[#NEW_PASSWORD#]` changes nothing; a warning. */
export const newPasswordUnused: LintRule = ({ program, type }) => {
  if (type !== 'password_change') return [];
  const used = programArguments(program).some((argument) => masksOf(argument).some((mask) => mask.name === 'NEW_PASSWORD'));
  if (used) return [];
  return [diagnostic('warning', 'new-password-unused', 'a password change template should send [#NEW_PASSWORD#]', location(1, 1))];
};

/** Password masks are filled only for rotation operations, so a task template never gets them. */
export const passwordMaskInTask: LintRule = ({ program, type }) => {
  if (type !== 'task') return [];
  return programArguments(program)
    .flatMap((argument) => masksOf(argument))
    .filter((mask) => (PASSWORD_MASKS as readonly string[]).includes(mask.name))
    .map((mask): Diagnostic => diagnostic('warning', 'password-mask-in-task', `[#${mask.name}#] is filled only for password rotation, never for a task`, mask.loc));
};

function sendsSecret(argument: Argument): boolean {
  return masksOf(argument).some((mask) => isSecretMask(mask.name));
}
