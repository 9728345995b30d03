import { pino } from 'pino';
import type { Logger } from 'pino';

/**
 * The process logger: JSON lines on stdout, level from `OSTIARY_LOG_LEVEL` (default `info`).
 * Nothing logged here carries a secret: the engine redacts before it logs.
 */
export function createLogger(name: string, env: NodeJS.ProcessEnv = process.env): Logger {
  return pino({ name, level: env.OSTIARY_LOG_LEVEL ?? 'info' });
}
