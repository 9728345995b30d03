import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Credential } from '../../src/domain/index.js';
import { isRotationConflict, RotationConfiguration, RotationService } from '../../src/rotation/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { openVault } from '../../src/vault/index.js';
import type { Vault } from '../../src/vault/index.js';
import { assertNoSecret } from '../support/executor-context.js';
import { requirePart } from '../support/integration.js';
import { scramPostgresSkip, startScramPostgres } from '../support/postgres-scram.js';
import type { ScramPostgres } from '../support/postgres-scram.js';
import { canLogIn } from '../support/ssh/ssh-login.js';
import { requireSshHosts, startSshHosts } from '../support/ssh-hosts.js';
import type { SshHost, SshHosts } from '../support/ssh-hosts.js';
import { dialectSkip, freshDatabase } from '../support/stores.js';
import { CRASH_OPERATIONS } from './support/crash-settings.js';
import { storedTexts } from './support/test-vault.js';
import { LINUX_CHANGE_OWN_PASSWORD, POSTGRES_CHANGE_OWN_PASSWORD } from './support/templates.js';
import { WorkerPool } from './support/worker-pool.js';
import type { RotationWorkerProcess } from './support/worker-pool.js';

/**
 * DESIGN.md §4's promise under the worst case: worker processes are killed with SIGKILL at
 * random moments while they rotate PostgreSQL roles (on an instance that checks passwords)
 * and Linux users (through SSH, on a test sshd host), many rotations per credential. After
 * recovery — lease recovery, retries that begin with the probe, the stale-rotation sweep —
 * every credential's stored password must log in. Zero lost.
 */
const KILLS = Number(process.env.OSTIARY_CRASH_KILLS ?? 50);
const PG_ROLES = 8;
const LINUX_USERS = 2;

const skip =
  (await scramPostgresSkip()) ||
  (await requireSshHosts()) ||
  (await dialectSkip('postgres')) ||
  (await requirePart('esbuild', async () => Boolean(await import('esbuild')), 'npm install (esbuild comes with tsx)'));

interface Account {
  readonly credential: Credential;
  readonly kind: 'postgres' | 'ssh';
}

describe('rotation crash test: kill -9 at random points', { skip }, () => {
  let pg: ScramPostgres;
  let lab: SshHosts;
  let host: SshHost;
  let database: { url: string; remove(): Promise<void> };
  let store: Store;
  let vault: Vault;
  let dataDir: string;
  let pool: WorkerPool | null = null;
  const accounts: Account[] = [];

  before(async () => {
    const initial = (name: string) => `Init-${name}-${randomBytes(8).toString('base64url')}`;
    const linux = Array.from({ length: LINUX_USERS }, (_, i) => ({ name: `crash${i}`, password: initial(`crash${i}`) }));
    [pg, lab, database, dataDir] = await Promise.all([
      startScramPostgres(),
      startSshHosts({ users: linux }),
      freshDatabase('postgres'),
      mkdtemp(join(tmpdir(), 'ostiary-crash-')),
    ]);
    host = lab.hosts[0]!;
    store = await openStore({ url: database.url });
    // The key file is shared with the worker processes: no secret travels in their environment.
    vault = await openVault({ dataDir, masterKey: null });
    const roles = Array.from({ length: PG_ROLES }, (_, i) => ({ name: `crash_role_${i}`, password: initial(`role${i}`) }));
    for (const role of roles) await pg.createRole(role.name, role.password);
    accounts.push(...(await register('postgres', { address: pg.host, port: pg.port }, POSTGRES_CHANGE_OWN_PASSWORD, roles)));
    accounts.push(...(await register('ssh', { address: host.address, port: host.port, hostKey: host.hostKey }, LINUX_CHANGE_OWN_PASSWORD, linux)));
  });

  after(async () => {
    await pool?.stop();
    await store?.close();
    await Promise.allSettled([pg?.stop(), lab?.stop(), database?.remove(), dataDir ? rm(dataDir, { recursive: true, force: true }) : undefined]);
  });

  async function register(executor: 'postgres' | 'ssh', where: { address: string; port: number; hostKey?: string }, source: string, users: readonly { name: string; password: string }[]): Promise<Account[]> {
    const device = await store.devices.create({ name: `crash-${executor}`, address: where.address, port: where.port, hostKey: where.hostKey ?? null });
    const { template } = await store.templates.create({ name: `crash-${executor}-change`, type: 'password_change', executor, source, author: 'test' });
    const configuration = new RotationConfiguration(store);
    const registered: Account[] = [];
    for (const user of users) {
      const credential = await store.credentials.create({ deviceId: device.id, username: user.name, secret: vault.seal(user.password) });
      await configuration.configure(credential.id, { changeTemplateId: template.id });
      registered.push({ credential, kind: executor });
    }
    return registered;
  }

  it(`after ${KILLS} kills, every credential's stored password logs in`, { timeout: 300_000 }, async () => {
    const service = new RotationService({ store, operations: CRASH_OPERATIONS });
    const workerPool = (pool = await WorkerPool.start(database.url, dataDir, 3));
    await requestRotations(service);
    // Three workers run side by side; at a random moment a busy one is killed, and a warm spare
    // replaces it in the background while the next kill is already being timed.
    const live = new Set<RotationWorkerProcess>();
    const replacements: Promise<void>[] = [];
    const replace = (): Promise<void> => workerPool.next().then(async (worker) => (await worker.go(), void live.add(worker)));
    await Promise.all([replace(), replace(), replace()]);
    let requests = Promise.resolve();
    const interrupted = { postgres: 0, ssh: 0, applying: 0, idle: 0 };
    for (let kill = 0; kill < KILLS; kill += 1) {
      // Mostly short gaps; now and then a longer one, so some rotations also commit between kills.
      await sleep(randomInt(0, 6) === 0 ? randomInt(1_500, 3_000) : randomInt(100, 1_200));
      // Kills are meant to land mid-rotation: the victim is a worker with a rotation in flight
      // (waiting a little for one to be busy), else any.
      const { workers, busy } = await busyWorkers(live, 5_000);
      const slot = busy.length > 0 ? busy[randomInt(0, busy.length)]! : randomInt(0, workers.length);
      const victim = workers[slot]!;
      live.delete(victim);
      const inFlight = await inFlightOf(victim.workerId);
      await victim.kill9();
      if (inFlight.some((op) => op.executor === 'postgres')) interrupted.postgres += 1;
      if (inFlight.some((op) => op.executor === 'ssh')) interrupted.ssh += 1;
      if (inFlight.some((op) => op.phase === 'applying')) interrupted.applying += 1;
      if (inFlight.length === 0) interrupted.idle += 1;
      replacements.push(replace());
      requests = requests.then(() => requestRotations(service));
    }
    await Promise.all([...replacements, requests]);
    await Promise.all([...live].map((worker) => worker.kill9()));
    console.log(`kills: ${KILLS}; with a PostgreSQL rotation in flight: ${interrupted.postgres}, with an SSH rotation in flight: ${interrupted.ssh}, between intent and commit: ${interrupted.applying}, with nothing in flight: ${interrupted.idle}`);
    assert.ok(interrupted.ssh > 0, 'some kills interrupted SSH rotations');
    assert.ok(interrupted.postgres > 0, 'some kills interrupted PostgreSQL rotations');

    // Recovery: one last worker settles everything.
    const settleStarted = Date.now();
    const final = await pool.next();
    await final.go();
    await waitForSettled(120_000);
    await final.kill9();
    console.log(`recovery settled in ${Date.now() - settleStarted} ms`);
    if (process.env.OSTIARY_CRASH_DEBUG) await (await import('node:fs/promises')).writeFile(process.env.OSTIARY_CRASH_DEBUG, pool.output());

    const secrets: string[] = [];
    for (const { credential, kind } of accounts) {
      const fresh = (await store.credentials.get(credential.id))!;
      assert.equal(fresh.syncState, 'in_sync', `${credential.username}: in sync`);
      assert.equal(await store.secrets.pending(credential.secretId), null, `${credential.username}: nothing pending`);
      const stored = vault.open((await store.secrets.current(credential.secretId))!);
      const history = await store.secrets.history(credential.secretId);
      secrets.push(...history.map((version) => vault.open(version)));
      const logsIn = kind === 'postgres' ? await pg.canLogin(credential.username, stored) : await canLogIn(host, { username: credential.username, password: stored });
      assert.equal(logsIn, true, `${credential.username}: the stored password logs in (zero lost)`);
      assert.ok(history.filter((v) => v.state !== 'discarded').length > 1, `${credential.username} rotated at least once`);
    }
    const rotations = (await Promise.all(accounts.map(async ({ credential }) => (await store.rotations.list(credential.id, { limit: 1000 })).items))).flat();
    console.log(`rotations: ${rotations.length}; committed ${rotations.filter((r) => r.phase === 'committed').length}, failed ${rotations.filter((r) => r.phase === 'failed').length}, handed over ${rotations.filter((r) => r.phase === 'handed_over').length}, out of sync ${rotations.filter((r) => r.phase === 'out_of_sync').length}`);
    assert.equal(rotations.filter((r) => r.phase === 'out_of_sync').length, 0, 'no rotation ever lost track of a password');
    assertNoSecret(`${await storedTexts(store)}\n${pool.output()}`, secrets);
  });

  /** Every credential without an unfinished rotation gets a new one. */
  async function requestRotations(service: RotationService): Promise<void> {
    await Promise.all(accounts.map(async ({ credential }) => {
      if ((await store.rotations.active(credential.id)) !== null) return;
      await service.rotate(credential.id, { requester: 'crash-test' }).catch((error: unknown) => {
        if (!isRotationConflict(error)) throw error;
      });
    }));
  }

  async function inFlightOf(workerId: string): Promise<{ executor: string; phase: string | undefined }[]> {
    const running = (await store.operations.list({ status: ['running'] }, { limit: 1000 })).items.filter((op) => op.leaseOwner === workerId);
    return Promise.all(running.map(async (op) => ({ executor: op.executor, phase: (await store.rotations.forOperation(op.id))?.phase })));
  }

  /** The live workers and the indexes of those with a rotation in flight, waiting up to `timeoutMs` for one. */
  async function busyWorkers(live: ReadonlySet<RotationWorkerProcess>, timeoutMs: number): Promise<{ workers: RotationWorkerProcess[]; busy: number[] }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const workers = [...live];
      const loads = await Promise.all(workers.map((worker) => inFlightOf(worker.workerId)));
      const busy = loads.flatMap((load, index) => (load.length > 0 ? [index] : []));
      if ((busy.length > 0 || Date.now() > deadline) && workers.length > 0) return { workers, busy };
      await sleep(50);
    }
  }

  /** No unfinished rotation left, and nothing queued or running. */
  async function waitForSettled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const active = await Promise.all(accounts.map(({ credential }) => store.rotations.active(credential.id)));
      const busy = (await store.operations.list({ status: ['scheduled', 'running'] })).items.length;
      if (active.every((rotation) => rotation === null) && busy === 0) return;
      if (Date.now() > deadline) throw new Error(`not settled: ${active.filter(Boolean).length} unfinished rotations, ${busy} operations queued or running`);
      await sleep(200);
    }
  }
});
