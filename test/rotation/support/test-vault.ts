import { randomBytes } from 'node:crypto';
import { openVault } from '../../../src/vault/index.js';
import type { Store } from '../../../src/store/store.js';
import type { Vault } from '../../../src/vault/index.js';

/** A vault on a random master key given as if from OSTIARY_MASTER_KEY (no key file). */
export function testVault(): Promise<Vault> {
  return openVault({ dataDir: '/nonexistent', masterKey: randomBytes(32).toString('base64') });
}

/** Every text the store holds that could reach a client: outbox payloads and attempt transcripts and messages. */
export async function storedTexts(store: Store): Promise<string> {
  const events = await store.outbox.read(0, 10_000);
  const texts = [JSON.stringify(events)];
  for (const operation of (await store.operations.list({}, { limit: 1000 })).items) {
    texts.push(JSON.stringify(operation));
    for (const attempt of await store.operations.attempts(operation.id)) texts.push(JSON.stringify(attempt));
  }
  return texts.join('\n');
}
