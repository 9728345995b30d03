import pg from 'pg';
import type { Pool } from 'pg';
import { OstiaryError } from '../../domain/index.js';
import type { WorkSignals } from '../store.js';
import { ostiaryPgTypes } from './pg-types.js';

/** The channel workers LISTEN on. */
export const WORK_CHANNEL = 'ostiary_work';

/** Delays between reconnect tries after the listening connection drops. */
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

/**
 * Wake-ups across processes: one dedicated connection per store LISTENs (pooled connections
 * cannot, they are shared), opened with the first listener and closed with the last. When
 * it drops it reconnects with backoff, then wakes every listener once, since a NOTIFY sent
 * while it was away is lost.
 */
export class PostgresSignals implements WorkSignals {
  readonly #url: string;
  readonly #pool: Pool;
  readonly #listeners = new Set<() => void>();
  #client: pg.Client | null = null;
  #connecting: Promise<void> | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #retryDelay = RECONNECT_MIN_MS;
  #closed = false;

  constructor(url: string, pool: Pool) {
    this.#url = url;
    this.#pool = pool;
  }

  async onWork(onWork: () => void): Promise<() => Promise<void>> {
    if (this.#closed) throw new OstiaryError('OST_STORE', 'the store is closed');
    this.#listeners.add(onWork);
    try {
      await this.#ensureListening();
    } catch (error) {
      this.#listeners.delete(onWork);
      throw new OstiaryError('OST_STORE', 'cannot LISTEN for work', { cause: error });
    }
    return async () => {
      this.#listeners.delete(onWork);
      if (this.#listeners.size === 0) await this.#stop();
    };
  }

  async notifyWork(): Promise<void> {
    try {
      await this.#pool.query('select pg_notify($1, $2)', [WORK_CHANNEL, '']);
    } catch (error) {
      throw new OstiaryError('OST_STORE', 'cannot NOTIFY workers', { cause: error });
    }
  }

  /** The backend pid of the listening connection, `null` when not listening (for diagnostics and tests). */
  get listenerPid(): number | null {
    return (this.#client as (pg.Client & { processID?: number }) | null)?.processID ?? null;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await this.#stop();
  }

  #ensureListening(): Promise<void> {
    if (this.#client) return Promise.resolve();
    this.#connecting ??= this.#connect().finally(() => (this.#connecting = null));
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url, types: ostiaryPgTypes });
    client.on('notification', (message) => {
      if (message.channel === WORK_CHANNEL) this.#wakeAll();
    });
    client.on('error', () => this.#dropped(client));
    client.on('end', () => this.#dropped(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${WORK_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
      throw error;
    }
    this.#client = client;
    this.#retryDelay = RECONNECT_MIN_MS;
  }

  #dropped(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = null;
    client.removeAllListeners();
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#listeners.size === 0 || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#ensureListening().then(
        () => this.#wakeAll(),
        () => {
          this.#retryDelay = Math.min(this.#retryDelay * 2, RECONNECT_MAX_MS);
          this.#scheduleReconnect();
        },
      );
    }, this.#retryDelay);
  }

  #wakeAll(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (error) {
        // A listener's failure must not stop the others, nor the connection.
        console.error('ostiary: work listener failed', error);
      }
    }
  }

  async #stop(): Promise<void> {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    await this.#connecting?.catch(() => undefined);
    const client = this.#client;
    this.#client = null;
    if (!client) return;
    client.removeAllListeners();
    client.on('error', () => undefined);
    await client.end().catch(() => undefined);
  }
}
