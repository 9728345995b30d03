import type { Logger } from 'pino';
import { buildApiServer } from '../api/build-api-server.js';
import { startAuditProjector } from '../audit/audit-projector.js';
import { openAuditTrail } from '../audit/open-audit-trail.js';
import { RepeatingTask } from '../engine/repeating-task.js';
import { OstiaryMetrics } from '../outbound/metrics/ostiary-metrics.js';
import { startOutbound } from '../outbound/outbound-runtime.js';
import type { Store } from '../store/store.js';
import { openVault } from '../vault/vault.js';
import type { OstiaryConfig } from './config.js';
import { listenError } from './health-server.js';

export interface ApiServerFlags {
  readonly host: string;
  readonly port: number;
}

/** A running API server: where it listens and how to stop it (and its background tasks). */
export interface RunningApi {
  readonly url: string;
  close(): Promise<void>;
}

/** Expired console sessions are swept this often. */
const SESSION_SWEEP_MS = 10 * 60_000;

/**
 * The HTTP side of `ostiary start` and `ostiary server`: opens the vault (its key is created
 * on first start) and the audit trail, serves the API (with `/healthz`, `/readyz` and the
 * OpenAPI page), and keeps the audit chain fed from the outbox.
 */
export async function startApiServer(config: OstiaryConfig, store: Store, flags: ApiServerFlags, logger: Logger, givenMetrics?: OstiaryMetrics): Promise<RunningApi> {
  const httpLogger = logger.child({ component: 'http' });
  const vault = await openVault({ dataDir: config.dataDir, masterKey: config.masterKey });
  const metrics = givenMetrics ?? new OstiaryMetrics({ store, logger });
  // Outbox delivery to the sinks (syslog, webhooks) runs beside the API on every node, one node per sink.
  const outbound = await startOutbound({ store, configFile: config.configFile, vault, logger: logger.child({ component: 'outbound' }) });
  const audit = await openAuditTrail({ log: store.audit, dataDir: config.dataDir, onAlarm: (message) => logger.error({ component: 'audit' }, message) });
  const app = await buildApiServer({ store, vault, audit, logger: httpLogger, metrics });
  const stopProjector = startAuditProjector({ trail: audit, onError: (error) => logger.error({ component: 'audit', error: String(error) }, 'audit projection failed') });
  const sweeper = new RepeatingTask(SESSION_SWEEP_MS, async () => {
    await store.sessions.deleteExpired(Date.now());
  });
  sweeper.start();
  if ((await store.users.count()) === 0) logger.info('no users yet: create the first admin with `ostiary users create-admin`');
  let url: string;
  try {
    url = await app.listen({ host: flags.host, port: flags.port });
  } catch (error) {
    await Promise.all([app.close(), stopProjector(), sweeper.stop(), outbound.stop()]);
    throw listenError(error, flags.host, flags.port);
  }
  return {
    url,
    close: async () => {
      await app.close();
      await stopProjector();
      await sweeper.stop();
      await outbound.stop();
    },
  };
}
