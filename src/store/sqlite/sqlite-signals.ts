import { EventEmitter } from 'node:events';
import type { WorkSignals } from '../store.js';

/** SQLite serves one process, so wake-ups stay in that process. */
export class SqliteSignals implements WorkSignals {
  readonly #emitter = new EventEmitter();

  async onWork(onWork: () => void): Promise<() => Promise<void>> {
    const listener = () => {
      try {
        onWork();
      } catch (error) {
        // A listener's failure must not fail the submit that woke it.
        console.error('ostiary: work listener failed', error);
      }
    };
    this.#emitter.on('work', listener);
    return async () => void this.#emitter.off('work', listener);
  }

  async notifyWork(): Promise<void> {
    this.emit();
  }

  emit(): void {
    this.#emitter.emit('work');
  }

  close(): void {
    this.#emitter.removeAllListeners();
  }
}
