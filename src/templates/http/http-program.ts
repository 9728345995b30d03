import type { Argument, SourceLocation, VariableDeclaration } from '../ast.js';

/**
 * The parsed form of an HTTP-dialect template (DESIGN §5): cURL-like steps. `set-…` steps
 * shape the next `request`; `expect` and `no-expect` check the response to the latest one.
 * Every node is frozen and carries the line and column of its command.
 */
export interface HttpProgram {
  readonly kind: 'http-program';
  readonly steps: readonly HttpStep[];
  /** `#@var` declarations found in comment lines. */
  readonly variables: readonly VariableDeclaration[];
}

/** Methods `set-request-method` accepts (upper-case). */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

interface StepBase {
  /** Where the command word stands. */
  readonly loc: SourceLocation;
}

/** `set-request-method POST`: the method of the next request. @defaultValue GET */
export interface SetRequestMethodStep extends StepBase {
  readonly kind: 'set-request-method';
  readonly method: HttpMethod;
}

/** `set-request-header "Name: value"`: kept for every later request; the name is literal. */
export interface SetRequestHeaderStep extends StepBase {
  readonly kind: 'set-request-header';
  readonly name: string;
  readonly value: Argument;
}

/**
 * `set-request-param "name=value"`: a parameter of the next request — in the body as a form
 * for POST, PUT and PATCH without content, else in the query string. The name is literal.
 */
export interface SetRequestParamStep extends StepBase {
  readonly kind: 'set-request-param';
  readonly name: string;
  readonly value: Argument;
}

/** `set-request-content "…"`: the body of the next request, escaped for its content type. */
export interface SetRequestContentStep extends StepBase {
  readonly kind: 'set-request-content';
  readonly content: Argument;
}

/** `set-content-type application/json`: the `Content-Type` of the next request's body. */
export interface SetContentTypeStep extends StepBase {
  readonly kind: 'set-content-type';
  readonly contentType: string;
}

/** `request "https://…"`: sends the request; each mask is encoded for the URL part it stands in. */
export interface RequestStep extends StepBase {
  readonly kind: 'request';
  readonly url: Argument;
}

/**
 * `expect "pattern"`: the latest response's status line and body must contain a match (`*`
 * matches any run of characters, everything else is literal, mask values too).
 */
export interface ExpectStep extends StepBase {
  readonly kind: 'expect';
  readonly pattern: Argument;
}

/** `no-expect "pattern"` (or `noexpect`): the latest response must not contain a match. */
export interface NoExpectStep extends StepBase {
  readonly kind: 'no-expect';
  readonly pattern: Argument;
}

export type HttpStep =
  | SetRequestMethodStep
  | SetRequestHeaderStep
  | SetRequestParamStep
  | SetRequestContentStep
  | SetContentTypeStep
  | RequestStep
  | ExpectStep
  | NoExpectStep;

/** Every argument of the program that holds text and masks, in source order. */
export function httpArguments(program: HttpProgram): Argument[] {
  return program.steps.flatMap((step): Argument[] => {
    switch (step.kind) {
      case 'set-request-header':
      case 'set-request-param':
        return [step.value];
      case 'set-request-content':
        return [step.content];
      case 'request':
        return [step.url];
      case 'expect':
      case 'no-expect':
        return [step.pattern];
      default:
        return [];
    }
  });
}

/** Every mask of the program that has no value, with where it stands (names only, never values). */
export function unfilledHttpMasks(program: HttpProgram, values: Readonly<Record<string, string>>): { name: string; line: number; column: number }[] {
  return httpArguments(program)
    .flatMap((argument) => argument.segments.flatMap((segment) => (segment.kind === 'mask' ? [segment] : [])))
    .filter((mask) => !Object.hasOwn(values, mask.name) || typeof values[mask.name] !== 'string')
    .map((mask) => ({ name: mask.name, line: mask.loc.line, column: mask.loc.column }));
}
