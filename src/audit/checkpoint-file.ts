import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CheckpointStorage } from './audit-checkpoint.js';

/** @defaultValue `audit-checkpoint.json` in the data directory, beside the vault key. */
export const CHECKPOINT_FILE_NAME = 'audit-checkpoint.json';

/** A checkpoint file replaced atomically (write a temporary file, then rename over). */
export function checkpointFile(path: string): CheckpointStorage {
  return {
    async read() {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async write(text) {
      await mkdir(dirname(path), { recursive: true });
      const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, path);
    },
  };
}

/** In memory, for unit tests and for a store that lives only in memory. */
export function memoryCheckpoint(initial: string | null = null): CheckpointStorage & { text: string | null } {
  const storage = {
    text: initial,
    read: async () => storage.text,
    write: async (text: string) => {
      storage.text = text;
    },
  };
  return storage;
}
