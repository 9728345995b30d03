/**
 * The logging seam of the engine: a structural subset of pino's logger, so the engine needs
 * no logging library and the CLI passes its pino instance as is. Every message and field the
 * engine logs has been redacted first.
 */
export interface EngineLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Discards everything; the default when no logger is given. */
export const silentLogger: EngineLogger = Object.freeze({
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
});
