import { DEFAULT_TIMEOUTS } from '../../../src/domain/index.js';
import type { RotationOperationSettings } from '../../../src/rotation/index.js';

/** Short leases so a killed worker's operations come back quickly; heartbeats keep busy ones. */
export const CRASH_ENGINE_SETTINGS = Object.freeze({
  concurrency: 3,
  perDeviceLimit: 8,
  leaseMs: 1_500,
  heartbeatMs: 300,
  progressMs: 200,
  pollMs: 150,
  recoveryIntervalMs: 300,
  stopGraceMs: 1_000,
});

/** Retries come back fast and never run out during the test: every retry begins with the probe. */
export const CRASH_OPERATIONS: RotationOperationSettings = Object.freeze({
  retryPolicy: { maxAttempts: 1000, intervalMs: 200, backoff: 1, maxIntervalMs: 200, intervalAfterExhaustionMs: 200, hardLimit: 1000 },
  timeouts: { ...DEFAULT_TIMEOUTS, connectMs: 8_000, readMs: 10_000, totalMs: 60_000 },
});
