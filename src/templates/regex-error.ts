/**
 * The reason a `RegExp` failed to compile. V8 repeats the whole expression in its message
 * (`Invalid regular expression: /…/: Unterminated group`); a long one would flood a report.
 */
export function regexErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(message.lastIndexOf(': ') + 2);
}

/** Null when the expression compiles, else why not. */
export function regexProblem(source: string, flags = ''): string | null {
  try {
    new RegExp(source, flags);
    return null;
  } catch (error) {
    return regexErrorReason(error);
  }
}
