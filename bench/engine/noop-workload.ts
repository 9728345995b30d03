import type { NewOperation } from '../../src/domain/index.js';
import { DEFAULT_TIMEOUTS } from '../../src/domain/index.js';
import type { Store } from '../../src/store/store.js';
import { NOOP_EXECUTOR, PROBE_VARIABLE } from './noop-executor.js';

/** The template version no-op operations pin. */
export interface NoopTemplate {
  readonly templateId: string;
  readonly templateVersion: number;
}

export async function createNoopTemplate(store: Store): Promise<NoopTemplate> {
  const { template, version } = await store.templates.create({ name: 'bench-noop', type: 'task', executor: NOOP_EXECUTOR, source: '# no-op', author: 'bench' });
  return { templateId: template.id, templateVersion: version.version };
}

/** One no-op operation, without a device (so no per-device limit applies) or credential. */
export function noopOperation(template: NoopTemplate, probe = false): NewOperation {
  return {
    type: 'task',
    executor: NOOP_EXECUTOR,
    templateId: template.templateId,
    templateVersion: template.templateVersion,
    deviceId: null,
    credentialId: null,
    variables: probe ? { [PROBE_VARIABLE]: '1' } : {},
    requester: 'bench',
    retryPolicy: { maxAttempts: 1, intervalMs: 1_000, backoff: 1, maxIntervalMs: 1_000, intervalAfterExhaustionMs: null, hardLimit: 1 },
    timeouts: DEFAULT_TIMEOUTS,
  };
}

/** Submits `count` no-op operations in one `submitMany` (one transaction); returns the time it took. */
export async function submitNoops(store: Store, template: NoopTemplate, count: number): Promise<number> {
  const operations = Array.from({ length: count }, () => noopOperation(template));
  const started = performance.now();
  await store.operations.submitMany(operations);
  return performance.now() - started;
}
