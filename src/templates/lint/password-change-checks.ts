import type { Argument, Diagnostic } from '../ast.js';
import { httpArguments } from '../http/http-program.js';
import type { HttpProgram, HttpStep } from '../http/http-program.js';
import { masksOf } from '../mask-segments.js';
import { isSecretMask, PASSWORD_MASKS } from '../masks.js';
import { diagnostic, location } from '../parse-result.js';
import { isCheckStep, isSendStep } from '../ssh/ssh-program.js';
import type { SshStep } from '../ssh/ssh-program.js';
import { programArguments } from '../template-program.js';
import type { LintRule } from './lint-rule.js';

/**
 * In a password change, the target's answer to the step that sends the secret must be read;
 * otherwise a rejected password looks like success and the vault and the device drift apart.
 * - SSH: after the last step that sends a secret, an `expect`, `read`, `expect-regex` or
 *   `no-expect` must follow. An error: a shell answers "no" in text only.
 * - http: the request that sends the last secret should be followed by an `expect` or
 *   `no-expect` before the next request. A warning: the executor already fails on a 4xx or
 *   5xx answer, but an API may answer 200 with the refusal in its body.
 * - local: a line's exit status is its check. postgres, mysql: a refused statement fails the
 *   run, and the rotation then logs in with the new password (`verifyLogin`).
 */
export const missingFinalCheck: LintRule = ({ program, type }) => {
  if (type !== 'password_change') return [];
  switch (program.kind) {
    case 'ssh-program':
      return sshFinalCheck(program.steps);
    case 'http-program':
      return httpFinalCheck(program.steps);
    case 'local-program':
    case 'sql-program':
      return [];
  }
};

function sshFinalCheck(steps: readonly SshStep[]): Diagnostic[] {
  const lastSend = steps.findLastIndex((step) => isSendStep(step) && sendsSecret(step.text));
  const send = steps[lastSend];
  if (!send || steps.slice(lastSend + 1).some(isCheckStep)) return [];
  const message = `nothing checks the answer after this step sends a secret: add an expect, read, expect-regex or no-expect step (e.g. expect "*updated successfully*") before end`;
  return [diagnostic('error', 'missing-final-check', message, send.loc)];
}

/** The request that sends the last secret is the first one at or after the step holding it. */
function httpFinalCheck(steps: readonly HttpStep[]): Diagnostic[] {
  const lastSecret = steps.findLastIndex((step) => httpArguments(stepProgram(step)).some(sendsSecret));
  if (lastSecret === -1) return [];
  const sending = steps.findIndex((step, index) => index >= lastSecret && step.kind === 'request');
  const request = steps[sending];
  if (!request) return [];
  const next = steps.findIndex((step, index) => index > sending && step.kind === 'request');
  const answered = steps.slice(sending + 1, next === -1 ? undefined : next).some((step) => step.kind === 'expect' || step.kind === 'no-expect');
  if (answered) return [];
  const message = 'nothing checks the answer to this request, which sends a secret: a 4xx or 5xx fails the run, but add an expect or no-expect (e.g. expect "HTTP/1.1 200*") in case the API answers 200 with an error';
  return [diagnostic('warning', 'missing-final-check', message, request.loc)];
}

/** One step as a program, so `httpArguments` says which of its arguments hold masks. */
function stepProgram(step: HttpStep): HttpProgram {
  return { kind: 'http-program', steps: [step], variables: [] };
}

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
