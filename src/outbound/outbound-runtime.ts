import type { EngineLogger } from '../engine/engine-logger.js';
import type { Store } from '../store/store.js';
import { readConfiguredSinks, syncConfiguredSinks } from './configured-sinks.js';
import { DeliveryLoop, type DeliveryLoopOptions } from './delivery/delivery-loop.js';
import { defaultSinkFactory, type SecretOpener } from './delivery/sink-factory.js';

export interface OutboundRuntimeOptions {
  readonly store: Store;
  /** The config file whose `sinks` are applied at start (`<dataDir>/ostiary.json`). */
  readonly configFile: string;
  /** Opens webhook signing secrets set through the API. */
  readonly vault: SecretOpener;
  readonly logger: EngineLogger;
  /** Tuning of the delivery loop (tests shorten the intervals). */
  readonly loop?: Partial<Omit<DeliveryLoopOptions, 'store' | 'buildSink' | 'logger'>>;
}

export interface RunningOutbound {
  readonly loop: DeliveryLoop;
  stop(): Promise<void>;
}

/**
 * The outbound side of `ostiary start` and `ostiary server`: applies the config file's sinks,
 * then delivers the outbox to every enabled sink until stopped. Safe on every node: each sink
 * is delivered by one node at a time, under its lease.
 */
export async function startOutbound(options: OutboundRuntimeOptions): Promise<RunningOutbound> {
  const { store, logger } = options;
  const summary = await syncConfiguredSinks(store, await readConfiguredSinks(options.configFile));
  if (summary.created.length + summary.updated.length + summary.disabled.length > 0) {
    logger.info({ configFile: options.configFile, ...summary }, 'sinks updated from the config file');
  }
  const loop = new DeliveryLoop({ ...options.loop, store, buildSink: defaultSinkFactory(store, options.vault), logger });
  await loop.start();
  logger.info({ owner: loop.owner, sinks: (await store.sinks.list()).filter((s) => s.enabled).length }, 'outbound delivery started');
  return { loop, stop: () => loop.stop() };
}
