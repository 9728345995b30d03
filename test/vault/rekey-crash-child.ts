// Runs `vault rekey` in a process of its own and kills that process (SIGKILL, no clean-up of
// any kind) right after the named step, to show that a real crash there loses nothing.
// Usage: node --import tsx rekey-crash-child.ts <store url> <data dir> <step>
import { openStore } from '../../src/store/open-store.js';
import { rekey, type RekeyStep } from '../../src/vault/index.js';

const [url, dataDir, step] = process.argv.slice(2) as [string, string, RekeyStep];
const store = await openStore({ url, migrate: false });
await rekey({
  dataDir,
  masterKey: null,
  secrets: store.secrets,
  afterStep: (done) => {
    if (done === step) process.kill(process.pid, 'SIGKILL');
  },
});
console.log('rekey finished without crashing');
await store.close();
