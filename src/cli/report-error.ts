import { isOstiaryError } from '../domain/index.js';

/** Prints an error as `CODE: message` (never a stack or a secret) and exits non-zero. */
export function reportAndExit(error: unknown): never {
  if (isOstiaryError(error)) {
    console.error(`${error.code}: ${error.message}`);
  } else {
    console.error(`OST_INTERNAL: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
}
