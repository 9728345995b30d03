// Run by migrate-concurrency.test.ts as a separate process: opens the store at argv[2],
// which migrates it, and exits 0 on success.
import { openStore } from '../../src/store/open-store.js';

const url = process.argv[2];
if (!url) throw new Error('usage: migrate-child.ts <url>');
const store = await openStore({ url });
await store.close();
