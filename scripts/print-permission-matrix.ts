// Prints the permission matrix as the Markdown table kept in docs/permissions.md:
//   npx tsx scripts/print-permission-matrix.ts
import { PERMISSION_MEANINGS, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from '../src/auth/permissions.js';

console.log(`| permission | ${ROLES.join(' | ')} | allows |`);
console.log(`| --- | ${ROLES.map(() => ':---:').join(' | ')} | --- |`);
for (const permission of PERMISSIONS) {
  const cells = ROLES.map((role) => (ROLE_PERMISSIONS[role].includes(permission) ? '✓' : '—'));
  console.log(`| \`${permission}\` | ${cells.join(' | ')} | ${PERMISSION_MEANINGS[permission]} |`);
}
