/**
 * `npm run bench:fanout` (issue 3): one `echo` on each of 200 loopback SSH hosts (key
 * authentication), submitted together through Ostiary's engine with the ssh executor; side
 * by side, on the same hosts in the same run, ansible ad-hoc `-m command` with 50 forks and
 * 200 OpenSSH clients launched at once. Every system checks host keys. Rounds alternate the
 * systems, after one unmeasured OpenSSH pass that warms every host up.
 *
 * Options: --hosts N (200) --rounds N (3) --only ostiary,ansible,openssh --concurrency N (Ostiary's
 * engine: logins in flight at once; default every host) --lab lean|stock (how the hosts are set
 * up, the same for every system; see `FanoutLabKind`; default lean)
 */
import { parseArgs } from 'node:util';
import { requireSshHosts } from '../test/support/ssh-hosts.js';
import { runAnsibleFanout } from './fanout/ansible-fanout.js';
import { CpuMeter } from './fanout/cpu-meter.js';
import { FANOUT_LAB_KINDS, describeLab, startFanoutLab } from './fanout/fanout-lab.js';
import type { FanoutLabKind } from './fanout/fanout-lab.js';
import { fanoutRoundLine, fanoutTable, fanoutTargetLines, perRoundRatios } from './fanout/fanout-report.js';
import type { FanoutResult } from './fanout/fanout-result.js';
import { runOpenSshFanout } from './fanout/openssh-fanout.js';
import { OstiaryFanout } from './fanout/ostiary-fanout.js';
import { runBenchmark } from './support/cleanup.js';
import { describeMachine, loadAverage, machineInfo } from './support/machine-info.js';
import { formatNumber } from './support/statistics.js';

const SYSTEMS = ['ostiary', 'ansible', 'openssh'] as const;

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', default: SYSTEMS.join(',') },
    concurrency: { type: 'string', default: '' },
    lab: { type: 'string', default: 'lean' },
  },
});

await runBenchmark(async () => {
  const hosts = positive('hosts');
  const rounds = positive('rounds');
  const chosen = SYSTEMS.filter((system) => values.only.split(',').includes(system));
  const labKind = labKindOption();
  const missing = await requireSshHosts();
  if (missing) throw new Error(`cannot start the SSH hosts: ${missing}`);
  console.log(`# SSH fan-out · ${describeMachine(machineInfo())}`);
  const lab = await startFanoutLab(hosts, labKind);
  console.log(`${hosts} hosts up in ${formatNumber(lab.startupMs)} ms · ${describeLab(labKind)} · ${rounds} rounds · load ${loadAverage()}`);
  const meter = new CpuMeter(lab.harnessDir);
  const warm = await runOpenSshFanout(lab, meter);
  if (warm.succeeded !== hosts) throw new Error(`warm-up: ${warm.note}`);
  const ostiary = chosen.includes('ostiary') ? await OstiaryFanout.start(lab, values.concurrency === '' ? hosts : positive('concurrency')) : null;
  const results: FanoutResult[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    for (const system of chosen) {
      const result = system === 'ostiary' && ostiary ? await ostiary.runRound(round, meter) : system === 'ansible' ? await runAnsibleFanout(lab, meter) : await runOpenSshFanout(lab, meter);
      results.push(result);
      console.log(fanoutRoundLine(round, result));
    }
  }
  await ostiary?.stop();
  console.log(`\n${fanoutTable(results)}\n`);
  for (const line of [...perRoundRatios(results, rounds), '', ...fanoutTargetLines(results)]) console.log(line);
  console.log(`\nended · load average ${loadAverage()}`);
  // A round that did not reach every host measured nothing comparable: the run failed.
  const incomplete = results.filter((result) => result.succeeded !== result.hosts);
  if (incomplete.length > 0) throw new Error(`${incomplete.map((result) => `${result.key} ${result.succeeded}/${result.hosts}`).join(', ')}: not every host succeeded (see the notes above)`);
});

function positive(name: 'hosts' | 'rounds' | 'concurrency'): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer, got ${values[name]}`);
  return value;
}

function labKindOption(): FanoutLabKind {
  const kind = FANOUT_LAB_KINDS.find((candidate) => candidate === values.lab);
  if (!kind) throw new Error(`--lab: expected one of ${FANOUT_LAB_KINDS.join(', ')}, got ${values.lab}`);
  return kind;
}
