import { spawn } from 'node:child_process';
import type { SshHost } from '../../test/support/ssh-hosts.js';
import { loadAverage } from '../support/machine-info.js';
import { preciseNow } from '../support/precise-clock.js';
import { FANOUT_USER } from './fanout-lab.js';
import type { CpuMeter } from './cpu-meter.js';
import type { FanoutLab } from './fanout-lab.js';
import type { FanoutResult } from './fanout-result.js';

interface ClientExit {
  readonly ok: boolean;
  readonly detail: string;
}

/** One OpenSSH client per host, all launched at once: `ssh … echo hi`, key auth, host keys checked. */
export async function runOpenSshFanout(lab: FanoutLab, meter: CpuMeter): Promise<FanoutResult> {
  const { value: [exits, wallMs], cpu } = await meter.measure(undefined, async () => {
    const began = preciseNow();
    const all = await Promise.all(lab.hosts.map((host) => runClient(lab, host)));
    return [all, preciseNow() - began] as const;
  });
  const failures = exits.filter((exit) => !exit.ok);
  const note = failures.length === 0 ? '' : `${failures.length} failed, e.g. ${failures[0]?.detail}`;
  return { key: 'openssh', system: `${lab.hosts.length} parallel OpenSSH clients`, wallMs, succeeded: exits.length - failures.length, hosts: lab.hosts.length, peakRssMb: null, clientCpuS: cpu.clientS, serverCpuS: cpu.serverS, note, loadAverage: loadAverage() };
}

/** The arguments every OpenSSH client of the benchmark gets (ansible's get the same options through its inventory). */
export function sshOptions(lab: FanoutLab): string[] {
  return ['-F', '/dev/null', '-i', lab.keyFile, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${lab.knownHostsFile}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=60'];
}

function runClient(lab: FanoutLab, host: SshHost): Promise<ClientExit> {
  return new Promise((resolve) => {
    const child = spawn('ssh', [...sshOptions(lab), '-p', String(host.port), `${FANOUT_USER}@${host.address}`, 'echo hi'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => resolve({ ok: false, detail: error.message }));
    child.on('close', (code) => resolve({ ok: code === 0 && stdout === 'hi\n', detail: `${host.name}: exit ${code} ${stderr.trim()}` }));
  });
}
