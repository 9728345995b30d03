/**
 * Templates: the dialects executors run (DESIGN §5), their masks, variable declarations
 * and lint. Everything here is pure: no I/O.
 */
export type * from './ast.js';
export * from './parse-result.js';
export * from './template-program.js';
export * from './parse-template.js';
export * from './masks.js';
export * from './variables.js';
export { masksOf, literalTextOf, sourceTextOf } from './mask-segments.js';
export * from './ssh/ssh-program.js';
export { parseSshTemplate } from './ssh/parse-ssh-template.js';
export type * from './local/local-program.js';
export { parseLocalTemplate } from './local/parse-local-template.js';
// The SQL and HTTP dialects' own helpers (rendering, escaping) stay in ./sql and ./http.
export type { SqlProgram } from './sql/sql-program.js';
export type { HttpProgram } from './http/http-program.js';
export * from './lint.js';
