import pg from 'pg';
import { generatePassword, DEFAULT_PASSWORD_POLICY } from '../../src/vault/index.js';
import type { BenchRole } from './role-set.js';
import { inLanes } from './role-set.js';

/**
 * The bare limit: for each role, log in as the role, `ALTER ROLE … PASSWORD`, log out, then
 * log in with the new password (the verify) — what any rotation must do on the wire, with
 * nothing kept: no vault, no queue, no journal, no crash safety.
 */
export async function bareLoop(host: string, port: number, roles: readonly BenchRole[], lanes: number): Promise<number> {
  const started = performance.now();
  await inLanes(roles, lanes, async (role) => {
    const next = generatePassword(DEFAULT_PASSWORD_POLICY);
    await withLogin(host, port, role.name, role.password, (client) => client.query(`ALTER ROLE ${pg.escapeIdentifier(role.name)} PASSWORD ${pg.escapeLiteral(next)}`));
    await withLogin(host, port, role.name, next, (client) => client.query('SELECT 1'));
    role.password = next;
  });
  return performance.now() - started;
}

async function withLogin(host: string, port: number, user: string, password: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ host, port, user, password: () => password, database: 'postgres' });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
