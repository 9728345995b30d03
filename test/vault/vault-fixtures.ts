import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { isOstiaryError, type ErrorCode } from '../../src/domain/index.js';

/** A fresh temporary directory; `cleanup` removes it. */
export async function tempDir(prefix = 'ostiary-vault-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A random master key in the forms an operator may give it. */
export function randomKey(): { bytes: Buffer; base64: string; hex: string } {
  const bytes = randomBytes(32);
  return { bytes, base64: bytes.toString('base64'), hex: bytes.toString('hex') };
}

export async function writeKeyFile(path: string, content: string, mode = 0o600): Promise<void> {
  await writeFile(path, content, { mode });
}

/** Runs `action`, expects an `OstiaryError` with `code`, and returns it for further checks. */
export async function expectOstiaryError(action: () => unknown, code: ErrorCode): Promise<Error & { code: ErrorCode; details: Readonly<Record<string, unknown>> }> {
  try {
    await action();
  } catch (error) {
    assert.ok(isOstiaryError(error), `expected an OstiaryError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}, but nothing was thrown`);
}

/** Asserts that none of `needles` occurs in `haystack` (a leak check). */
export function assertNoLeak(haystack: string, needles: readonly string[], where: string): void {
  for (const needle of needles) {
    if (needle.length > 0) assert.ok(!haystack.includes(needle), `${where} leaks secret material`);
  }
}
