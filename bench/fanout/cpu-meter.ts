import { setTimeout as sleep } from 'node:timers/promises';
import { pidsWithCommandLine, processCpu } from '../support/process-cpu.js';

/** CPU seconds spent by the clients and by the hosts during one round. */
export interface RoundCpu {
  readonly clientS: number;
  readonly serverS: number;
}

/**
 * Accounts a round's CPU on both sides of the wire. The hosts: every sshd listener of the
 * lab collects the CPU of its per-connection processes and their shells once they end
 * (cutime + cstime). The clients: Ostiary's own process, or — for OpenSSH and ansible — the
 * benchmark's ended children (this process's cutime + cstime).
 */
export class CpuMeter {
  readonly #listeners: number[];

  constructor(harnessDir: string) {
    this.#listeners = pidsWithCommandLine(harnessDir, 'sshd_config');
  }

  /** Measures `run`; `clientPid` is Ostiary's process, or undefined for the benchmark's children. */
  async measure<T>(clientPid: number | undefined, run: () => Promise<T>): Promise<{ value: T; cpu: RoundCpu }> {
    const client = (): number => (clientPid === undefined ? processCpu('self').children : processCpu(clientPid).own);
    const server = (): number => this.#listeners.reduce((sum, pid) => sum + processCpu(pid).children, 0);
    const [client0, server0] = [client(), server()];
    const value = await run();
    await sleep(500); // the last sessions' processes end and are waited for
    return { value, cpu: { clientS: client() - client0, serverS: server() - server0 } };
  }
}
