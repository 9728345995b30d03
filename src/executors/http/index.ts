/** The `http` executor: cURL-like templates over HTTP(S), certificates verified by default. */
export { HttpExecutor } from './http-executor.js';
export { httpConfigSchema, DEFAULT_MAX_RESPONSE_BYTES, type HttpConfig } from './http-config.js';
