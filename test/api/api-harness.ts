import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { buildApiServer } from '../../src/api/build-api-server.js';
import type { ApiServerOptions } from '../../src/api/build-api-server.js';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { dataDirCheckpoint } from '../../src/audit/checkpoint-key.js';
import type { Role } from '../../src/auth/permissions.js';
import { permissionsOfRoles } from '../../src/auth/permissions.js';
import { principalOf } from '../../src/auth/authenticator.js';
import { issueToken } from '../../src/auth/token-service.js';
import { createLocalUser } from '../../src/auth/user-service.js';
import type { UserRecord } from '../../src/store/access-store.js';
import { openVault } from '../../src/vault/index.js';
import type { Vault } from '../../src/vault/index.js';
import { freshStore } from '../support/stores.js';
import type { Dialect, FreshStore } from '../support/stores.js';

/** A clock the test moves by hand (server and store share it), so nothing sleeps. */
export class TestClock {
  now = Date.UTC(2026, 0, 5, 9, 0, 0);
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

/** scrypt at a low cost: tests hash many passwords; production keeps the default. */
export const FAST_HASH = Object.freeze({ N: 1024, r: 8, p: 1 });

export const TEST_PASSWORD = 'correct-horse-battery-staple';

/**
 * One API server on a real store (SQLite file or PostgreSQL database of its own), a real
 * vault and checkpoint in a temp data directory, and every log line captured.
 */
export class ApiHarness {
  readonly logs: string[] = [];
  readonly clock = new TestClock();
  app!: FastifyInstance;
  fresh!: FreshStore;
  vault!: Vault;
  audit!: AuditTrail;
  dataDir!: string;
  readonly #tokens = new Map<string, string>();

  static async start(dialect: Dialect, options: Partial<ApiServerOptions> = {}): Promise<ApiHarness> {
    const harness = new ApiHarness();
    await harness.#start(dialect, options);
    return harness;
  }

  async #start(dialect: Dialect, options: Partial<ApiServerOptions>): Promise<void> {
    this.dataDir = await mkdtemp(join(tmpdir(), 'ostiary-api-'));
    this.fresh = await freshStore(dialect, { clock: this.clock.read });
    this.vault = await openVault({ dataDir: this.dataDir, masterKey: null });
    const { storage, key } = await dataDirCheckpoint(this.dataDir);
    this.audit = new AuditTrail({ log: this.fresh.store.audit, checkpoint: storage, checkpointKey: key, now: this.clock.read });
    const logs = this.logs;
    const stream = new Writable({ write(chunk: Buffer, _encoding, done) { logs.push(chunk.toString('utf8')); done(); } });
    this.app = await buildApiServer({
      store: this.fresh.store, vault: this.vault, audit: this.audit, logger: pino({ level: 'trace' }, stream),
      now: this.clock.read, passwordHash: FAST_HASH, ...options,
    });
    await this.app.ready();
  }

  get store() {
    return this.fresh.store;
  }

  async createUser(username: string, roles: readonly Role[], password = TEST_PASSWORD): Promise<UserRecord> {
    return createLocalUser(this.store.users, { username, password, roles }, FAST_HASH);
  }

  /** A user holding exactly `roles` and a full-scope API token of theirs (cached per role set). */
  async tokenFor(...roles: Role[]): Promise<string> {
    const name = roles.join('+') || 'nobody';
    const cached = this.#tokens.get(name);
    if (cached !== undefined) return cached;
    const user = await this.createUser(`u-${name.replaceAll('+', '-').replaceAll('_', '-')}`, roles);
    const creator = principalOf(user, 'session', null, null, null);
    const { token } = await issueToken(this.store.apiTokens, creator, { name: 'test', permissions: permissionsOfRoles(roles) }, this.clock.now);
    this.#tokens.set(name, token);
    return token;
  }

  async call(method: InjectOptions['method'], url: string, options: { token?: string; body?: unknown; headers?: Record<string, string>; remoteAddress?: string } = {}): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    return this.app.inject({ method, url, headers, payload: options.body as InjectOptions['payload'], remoteAddress: options.remoteAddress });
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.fresh?.cleanup();
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** The parsed JSON body. */
export function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return response.json() as T;
}
