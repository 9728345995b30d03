import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ScramPostgres } from '../../test/support/postgres-scram.js';

/** A login role of the benchmark and its current password. */
export interface BenchRole {
  readonly name: string;
  password: string;
}

/** Statements per round trip when creating roles (one simple-protocol query may hold several). */
const CHUNK = 200;

/** Creates `count` login roles named `<prefix>_<i>` with random passwords, over the admin socket. */
export async function createRoles(instance: ScramPostgres, prefix: string, count: number): Promise<BenchRole[]> {
  const roles = Array.from({ length: count }, (_, i) => ({ name: `${prefix}_${i}`, password: `Init-${randomBytes(12).toString('base64url')}` }));
  for (let start = 0; start < roles.length; start += CHUNK) {
    const statements = roles.slice(start, start + CHUNK).map((role) => `CREATE ROLE ${pg.escapeIdentifier(role.name)} LOGIN PASSWORD ${pg.escapeLiteral(role.password)}`);
    await instance.admin(statements.join(';\n'));
  }
  return roles;
}

/** Runs `work` over `items` with `lanes` concurrent lanes, each taking the next item when it is free. */
export async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) await work(items[index] as T);
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}
