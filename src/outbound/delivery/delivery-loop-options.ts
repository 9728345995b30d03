import type { EngineLogger } from '../../engine/engine-logger.js';
import type { Store } from '../../store/store.js';
import type { AuditChainHead } from '../outbound-event.js';
import type { BackoffPolicy } from './backoff.js';
import type { SinkFactory } from './sink-factory.js';

export interface DeliveryLoopOptions {
  readonly store: Store;
  readonly buildSink: SinkFactory;
  /** Names this loop in sink leases. @defaultValue `<hostname>:<pid>:<8 random hex>` */
  readonly owner?: string;
  /** How often an idle sink looks for new events, in ms. @defaultValue 1000 */
  readonly pollMs?: number;
  /** How often the list of sinks is read again (API changes), in ms. @defaultValue 5000 */
  readonly reloadMs?: number;
  /** How long a sink's lease lasts without renewal, in ms. @defaultValue 30000 */
  readonly leaseMs?: number;
  /** Outbox events read per step. @defaultValue 100 */
  readonly batchSize?: number;
  /** @defaultValue DEFAULT_BACKOFF from backoff.ts */
  readonly backoff?: BackoffPolicy;
  /** @defaultValue the store's audit head, `null` while the chain is empty */
  readonly auditHead?: () => Promise<AuditChainHead | null>;
  readonly logger?: EngineLogger;
  /** @defaultValue `Date.now` */
  readonly now?: () => number;
}

export type ResolvedLoopOptions = Required<Omit<DeliveryLoopOptions, 'logger'>> & { readonly logger: EngineLogger | null };
