// Prints the error catalogue as the Markdown table kept in docs/errors.md:
//   npx tsx scripts/print-error-catalogue.ts
import { ERROR_CATALOGUE } from '../src/domain/errors.js';

console.log('| code | HTTP status | meaning |');
console.log('| --- | --- | --- |');
for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
  console.log(`| \`${code}\` | ${entry.status} | ${entry.meaning} |`);
}
