import { RepeatingTask } from '../engine/repeating-task.js';
import type { AuditTrail } from './audit-trail.js';

export interface AuditProjectorOptions {
  readonly trail: AuditTrail;
  /** @defaultValue 1000 */
  readonly intervalMs?: number;
  /** Told when a projection step fails; the next step retries from the same position. */
  readonly onError: (error: unknown) => void;
}

/**
 * Keeps the audit chain up to date with the outbox in a server process: projects every
 * `intervalMs`, never two steps at once. Safe on every node at once (steps serialize on the
 * chain's head and move the outbox position atomically). Returns a function that stops it.
 */
export function startAuditProjector(options: AuditProjectorOptions): () => Promise<void> {
  const task = new RepeatingTask(options.intervalMs ?? 1000, async () => {
    try {
      await options.trail.projectAll();
    } catch (error) {
      options.onError(error);
    }
  });
  task.start();
  return () => task.stop();
}
