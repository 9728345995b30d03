import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CATALOGUE, OstiaryError, validationError } from '../../src/domain/index.js';

function documentedRows(): Map<string, { status: number; meaning: string }> {
  const rows = new Map<string, { status: number; meaning: string }>();
  const markdown = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  for (const match of markdown.matchAll(/^\| `(OST_[A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)) {
    rows.set(match[1] ?? '', { status: Number(match[2]), meaning: match[3] ?? '' });
  }
  return rows;
}

describe('error catalogue', () => {
  it('docs/errors.md lists exactly the catalogue, with the same status and meaning', () => {
    const documented = documentedRows();
    assert.deepEqual([...documented.keys()].sort(), Object.keys(ERROR_CATALOGUE).sort());
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      assert.deepEqual(documented.get(code), { status: entry.status, meaning: entry.meaning }, code);
    }
  });

  it('codes are stable OST_ names and statuses are HTTP error statuses', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      assert.match(code, /^OST_[A-Z_]+$/);
      assert.ok(entry.status >= 400 && entry.status < 600, code);
    }
  });

  it('validation errors name the field', () => {
    const error = validationError('device.port', 'expected an integer from 1 to 65535');
    assert.ok(error instanceof OstiaryError);
    assert.equal(error.code, 'OST_VALIDATION');
    assert.equal(error.httpStatus, 400);
    assert.equal(error.details.field, 'device.port');
    assert.match(error.message, /^device\.port: /);
  });
});
