import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchChild } from '../support/bench-child.js';
import { loadAverage } from '../support/machine-info.js';
import { formatNumber } from '../support/statistics.js';
import { FANOUT_USER } from './fanout-lab.js';
import type { CpuMeter } from './cpu-meter.js';
import type { FanoutLab } from './fanout-lab.js';
import type { FanoutChildMessage, FanoutGo } from './fanout-messages.js';
import type { FanoutResult } from './fanout-result.js';

const CHILD = fileURLToPath(new URL('./ostiary-fanout-child.ts', import.meta.url));

/** Ostiary's process for the whole run: set up once, then one round per {@link runRound}. */
export class OstiaryFanout {
  private constructor(
    private readonly child: BenchChild<FanoutChildMessage>,
    private readonly hosts: number,
    private readonly concurrency: number,
  ) {}

  /** `concurrency`: attempts the engine runs at once (logins in flight); every host by default. */
  static async start(lab: FanoutLab, concurrency = lab.hosts.length): Promise<OstiaryFanout> {
    const args = [join(lab.dir, 'ostiary.db'), join(lab.dir, 'data'), lab.keyFile, lab.hostsFile, FANOUT_USER, String(concurrency)];
    const child = new BenchChild<FanoutChildMessage>(CHILD, args);
    await child.next('ready', 120_000);
    return new OstiaryFanout(child, lab.hosts.length, concurrency);
  }

  async runRound(round: number, meter: CpuMeter): Promise<FanoutResult> {
    const { value: result, cpu } = await meter.measure(this.child.pid, async () => {
      this.child.send<FanoutGo>({ type: 'go', round });
      return this.child.next('result', 600_000);
    });
    const retries = result.retries > 0 ? `${result.retries} retries` : '';
    const phases = `last claim ${formatNumber(result.lastStartMs)} ms after submit, attempts median ${formatNumber(result.medianAttemptMs)} ms, slowest ${formatNumber(result.slowestAttemptMs)} ms`;
    const failures = result.failed > 0 ? `${result.failed} failed, e.g. ${result.firstError}` : '';
    return {
      key: 'ostiary', system: `Ostiary (ssh executor, SQLite, concurrency ${this.concurrency})`,
      wallMs: result.wallMs, succeeded: result.succeeded, hosts: this.hosts,
      peakRssMb: this.child.peakRssMb(), clientCpuS: cpu.clientS, serverCpuS: cpu.serverS, note: [phases, retries, failures].filter(Boolean).join('; '), loadAverage: loadAverage(),
    };
  }

  async stop(): Promise<void> {
    await this.child.stop(30_000);
  }
}
