import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PERMISSION_MEANINGS, PERMISSIONS, permissionsOfRoles, ROLE_PERMISSIONS, ROLES } from '../../src/auth/permissions.js';

function documentedMatrix(): { roles: string[]; rows: Map<string, { granted: string[]; meaning: string }> } {
  const markdown = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');
  const header = /^\| permission \| (.+) \| allows \|$/m.exec(markdown);
  assert.ok(header?.[1], 'docs/permissions.md has the matrix header');
  const roles = header[1].split(' | ');
  const rows = new Map<string, { granted: string[]; meaning: string }>();
  for (const match of markdown.matchAll(/^\| `([a-z]+:[a-z-]+)` \| (.+) \| ([^|]+) \|$/gm)) {
    const cells = (match[2] ?? '').split(' | ');
    rows.set(match[1] ?? '', { granted: roles.filter((_, index) => cells[index] === '✓'), meaning: match[3] ?? '' });
  }
  return { roles, rows };
}

describe('permission matrix', () => {
  it('docs/permissions.md shows exactly the table the API enforces', () => {
    const { roles, rows } = documentedMatrix();
    assert.deepEqual(roles, [...ROLES]);
    assert.deepEqual([...rows.keys()], [...PERMISSIONS]);
    for (const permission of PERMISSIONS) {
      const granted = ROLES.filter((role) => ROLE_PERMISSIONS[role].includes(permission));
      assert.deepEqual(rows.get(permission), { granted, meaning: PERMISSION_MEANINGS[permission] }, permission);
    }
  });

  it('an auditor holds no permission that changes anything, and only an admin reveals', () => {
    const auditor = permissionsOfRoles(['auditor']);
    assert.ok(auditor.every((permission) => permission.endsWith(':read') || permission === 'token:own'), auditor.join(', '));
    assert.deepEqual(ROLES.filter((role) => ROLE_PERMISSIONS[role].includes('credential:reveal')), ['admin']);
  });

  it('roles combine as the union of their permissions', () => {
    const both = permissionsOfRoles(['operator', 'template_author']);
    assert.ok(both.includes('template:write') && both.includes('operation:submit'));
    assert.ok(!both.includes('credential:reveal'));
    assert.deepEqual(permissionsOfRoles([]), []);
  });
});
