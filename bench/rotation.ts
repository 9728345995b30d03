/**
 * `npm run bench:rotation` (issue 6): 1,000 PostgreSQL role rotations through Ostiary's full
 * path — request, claim, intent, apply, verify (a login with the new password), commit — side
 * by side in the same run with a bare loop of `ALTER ROLE` plus a login for each, on one
 * PostgreSQL instance of the benchmark's own that checks passwords (scram-sha-256). Each side
 * rotates its own 1,000 roles; both use the same number of concurrent lanes.
 *
 * Options: --rotations N (1000) --concurrency N (4) --rounds N (5; the sides alternate which
 * goes first) --store sqlite|postgres (sqlite; postgres uses a fresh database on the machine's
 * PostgreSQL).
 */
import { parseArgs } from 'node:util';
import { createTestDatabase, dropTestDatabase } from '../test/support/postgres.js';
import { startScramPostgres } from '../test/support/postgres-scram.js';
import { bareLoop } from './rotation/bare-loop.js';
import { checkStoredPasswords, ostiaryRotations, ostiaryWorld } from './rotation/ostiary-rotations.js';
import { createRoles } from './rotation/role-set.js';
import { onCleanup, runBenchmark } from './support/cleanup.js';
import { describeMachine, machineInfo } from './support/machine-info.js';

const { values } = parseArgs({
  options: {
    rotations: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
    store: { type: 'string', default: 'sqlite' },
    rounds: { type: 'string', default: '5' },
  },
});

await runBenchmark(async () => {
  const rotations = positive('rotations');
  const lanes = positive('concurrency');
  const rounds = positive('rounds');
  if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error('--store: expected sqlite or postgres');
  console.log(`# rotation throughput · ${describeMachine(machineInfo())}`);
  console.log(`${rotations} PostgreSQL role rotations per side in ${rounds} alternating rounds, ${lanes} concurrent lanes, Ostiary store: ${values.store}\n`);
  const instance = await startScramPostgres();
  onCleanup(() => instance.stop());
  const [bareRoles, ostiaryRoles] = [await createRoles(instance, 'bare', rotations), await createRoles(instance, 'ost', rotations)];
  const database = values.store === 'postgres' ? await createTestDatabase() : null;
  if (database) onCleanup(() => dropTestDatabase(database.name));
  const world = await ostiaryWorld(instance.host, instance.port, ostiaryRoles, database?.url ?? null);
  onCleanup(() => world.close());

  // Rounds alternate which side goes first, so a change in the machine's load falls on both alike.
  let bareMs = 0;
  const run = { requestMs: 0, runMs: 0, failed: 0 };
  for (let round = 0; round < rounds; round += 1) {
    const slice = <T>(items: readonly T[]) => items.slice(Math.floor((round * rotations) / rounds), Math.floor(((round + 1) * rotations) / rounds));
    const bare = () => bareLoop(instance.host, instance.port, slice(bareRoles), lanes);
    const ostiary = () => ostiaryRotations(world, slice(world.credentialIds), lanes);
    const [roundBare, roundRun] = round % 2 === 0 ? [await bare(), await ostiary()] : await ostiary().then(async (o) => [await bare(), o] as const);
    bareMs += roundBare;
    run.requestMs += roundRun.requestMs;
    run.runMs += roundRun.runMs;
    run.failed += roundRun.failed;
    console.log(`round ${round + 1}: bare ${(slice(bareRoles).length / (roundBare / 1000)).toFixed(1)}/s, Ostiary ${(slice(bareRoles).length / ((roundRun.requestMs + roundRun.runMs) / 1000)).toFixed(1)}/s end to end`);
  }
  const [checked, loggedIn] = await checkStoredPasswords(world, 50, (user, password) => instance.canLogin(user, password));
  const bareRate = rotations / (bareMs / 1000);
  const runRate = rotations / (run.runMs / 1000);
  const endToEndRate = rotations / ((run.requestMs + run.runMs) / 1000);
  console.log('\n| path | time (s) | rotations/s | vs bare loop |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| bare loop: ALTER ROLE + login | ${(bareMs / 1000).toFixed(2)} | ${bareRate.toFixed(1)} | 100% |`);
  console.log(`| Ostiary, engine run (claim → commit) | ${(run.runMs / 1000).toFixed(2)} | ${runRate.toFixed(1)} | ${percent(runRate, bareRate)} |`);
  console.log(`| Ostiary, end to end (request + run) | ${((run.requestMs + run.runMs) / 1000).toFixed(2)} | ${endToEndRate.toFixed(1)} | ${percent(endToEndRate, bareRate)} |`);
  console.log(`\nratio (end to end / bare loop): ${(endToEndRate / bareRate).toFixed(2)} — target ≥ 0.50: ${endToEndRate / bareRate >= 0.5 ? 'met' : 'NOT met'}`);
  console.log(`failed rotations: ${run.failed}; stored passwords checked to log in: ${loggedIn}/${checked}`);
  console.log(`\nended · ${describeMachine(machineInfo())}`);
  if (run.failed > 0 || loggedIn !== checked) throw new Error('some rotations failed or a stored password does not log in');
});

function percent(value: number, of: number): string {
  return `${((100 * value) / of).toFixed(0)}%`;
}

function positive(name: 'rotations' | 'concurrency' | 'rounds'): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer, got ${values[name]}`);
  return value;
}
