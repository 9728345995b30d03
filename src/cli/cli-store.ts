import { mkdir } from 'node:fs/promises';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { OstiaryConfig } from './config.js';

/**
 * Opens the store the configuration names. The data directory is created (0700) first, so
 * a fresh checkout needs no setup: the SQLite file and the vault key both live there.
 */
export async function openConfiguredStore(config: OstiaryConfig, options: { migrate: boolean }): Promise<Store> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  return openStore({ url: config.dbUrl, migrate: options.migrate });
}

/** Runs `fn` with a store that is closed afterwards, whatever happens. */
export async function withStore<T>(config: OstiaryConfig, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openConfiguredStore(config, { migrate: false });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
