import { hostname } from 'node:os';
import { z } from 'zod';
import { newId, OstiaryError } from '../domain/index.js';

/** Tuning of one engine. Every field is optional; {@link resolveEngineSettings} fills defaults. */
export interface EngineSettings {
  /** Identifies this engine in leases and attempts. @defaultValue `<hostname>:<pid>:<8 random hex>` */
  readonly workerId: string;
  /** Attempts this engine runs at once (the global limit of one worker). @defaultValue 4 */
  readonly concurrency: number;
  /** Operations `running` at once on one device, across all workers. @defaultValue 1 */
  readonly perDeviceLimit: number;
  /** How long a claim or heartbeat keeps the operation ours, in ms. @defaultValue 15000 */
  readonly leaseMs: number;
  /** Interval between heartbeats that extend the lease, in ms. @defaultValue `leaseMs / 3` */
  readonly heartbeatMs: number;
  /**
   * Interval at which a running attempt stores its transcript so far and checks whether a
   * cancel was requested, in ms; it bounds how late a cancel is seen. @defaultValue 1000
   */
  readonly progressMs: number;
  /** Fallback polling for due work when no wake-up signal arrives, in ms. @defaultValue 1000 */
  readonly pollMs: number;
  /** Interval between sweeps for expired leases, in ms; 0 turns the sweep off. @defaultValue 5000 */
  readonly recoveryIntervalMs: number;
  /**
   * After an attempt was told to stop (cancel, timeout, shutdown), how long to wait for the
   * executor to return before the engine reports the attempt anyway, in ms. @defaultValue 5000
   */
  readonly stopGraceMs: number;
}

export type EngineSettingsInput = Partial<EngineSettings>;

const positive = z.number().int().positive();

const settingsSchema = z.object({
  workerId: z.string().min(1, 'expected a non-empty worker id'),
  concurrency: positive,
  perDeviceLimit: positive,
  leaseMs: z.number().int().min(100, 'expected at least 100 ms'),
  heartbeatMs: positive,
  progressMs: positive,
  pollMs: positive,
  recoveryIntervalMs: z.number().int().nonnegative(),
  stopGraceMs: z.number().int().nonnegative(),
});

/** Fills defaults, validates (naming the field on error) and freezes. */
export function resolveEngineSettings(input: EngineSettingsInput = {}): EngineSettings {
  const leaseMs = input.leaseMs ?? 15_000;
  const candidate = {
    workerId: input.workerId ?? defaultWorkerId(),
    concurrency: input.concurrency ?? 4,
    perDeviceLimit: input.perDeviceLimit ?? 1,
    leaseMs,
    heartbeatMs: input.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3)),
    progressMs: input.progressMs ?? 1_000,
    pollMs: input.pollMs ?? 1_000,
    recoveryIntervalMs: input.recoveryIntervalMs ?? 5_000,
    stopGraceMs: input.stopGraceMs ?? 5_000,
  };
  const parsed = settingsSchema.safeParse(candidate);
  if (!parsed.success) throw configError(parsed.error.issues[0]);
  if (parsed.data.heartbeatMs >= parsed.data.leaseMs) {
    throw new OstiaryError('OST_CONFIG', 'engine.heartbeatMs: expected less than engine.leaseMs', {
      details: { field: 'engine.heartbeatMs' },
    });
  }
  return Object.freeze(parsed.data);
}

function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${newId().slice(0, 8)}`;
}

function configError(issue: z.core.$ZodIssue | undefined): OstiaryError {
  const field = `engine.${issue?.path.join('.') ?? 'settings'}`;
  return new OstiaryError('OST_CONFIG', `${field}: ${issue?.message ?? 'invalid'}`, { details: { field } });
}
