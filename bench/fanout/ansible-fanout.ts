import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadAverage } from '../support/machine-info.js';
import { pidsWithCommandLine, processCpu } from '../support/process-cpu.js';
import { preciseNow } from '../support/precise-clock.js';
import { FANOUT_USER } from './fanout-lab.js';
import type { CpuMeter } from './cpu-meter.js';
import type { FanoutLab } from './fanout-lab.js';
import type { FanoutResult } from './fanout-result.js';

/** ansible's forks, as issue 3 asks. */
export const ANSIBLE_FORKS = 50;

const SUCCESS_LINE = /^\S+ \| CHANGED \| rc=0 \| \(stdout\) hi$/gm;

/**
 * `ansible all -m command -a 'echo hi' -f 50` over every host, with ansible's own SSH defaults
 * (ControlMaster/ControlPersist, no pipelining). The interpreter is named in the inventory, as
 * fleets usually do, which spares ansible a discovery round trip per host.
 */
export async function runAnsibleFanout(lab: FanoutLab, meter: CpuMeter): Promise<FanoutResult> {
  const controlDir = join(lab.dir, 'ansible-cp');
  await mkdir(controlDir, { recursive: true });
  const inventory = await writeInventory(lab);
  let mastersCpuS = 0;
  const { value: [{ code, stdout, stderr }, wallMs], cpu } = await meter.measure(undefined, async () => {
    const began = preciseNow();
    const outcome = await runAnsible(inventory, controlDir, lab.dir);
    const ended = preciseNow() - began;
    // ControlPersist keeps a master per host alive after ansible exits (re-parented, so its CPU
    // is nobody's child time): count it, then end ours, by pid.
    mastersCpuS = endProcessesMentioning(controlDir);
    return [outcome, ended] as const;
  });
  const succeeded = stdout.match(SUCCESS_LINE)?.length ?? 0;
  const note = succeeded === lab.hosts.length ? '' : `exit ${code}; ${firstLine(stderr) || firstFailure(stdout)}`;
  return { key: 'ansible', system: `ansible ${ansibleVersion()} -m command -f ${ANSIBLE_FORKS}`, wallMs, succeeded, hosts: lab.hosts.length, peakRssMb: null, clientCpuS: cpu.clientS + mastersCpuS, serverCpuS: cpu.serverS, note, loadAverage: loadAverage() };
}

async function writeInventory(lab: FanoutLab): Promise<string> {
  const path = join(lab.dir, 'inventory.ini');
  const common = `-o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`;
  const lines = [
    '[fan]',
    ...lab.hosts.map((host) => `${host.name} ansible_host=${host.address} ansible_port=${host.port}`),
    '[fan:vars]',
    `ansible_user=${FANOUT_USER}`,
    `ansible_ssh_private_key_file=${lab.keyFile}`,
    `ansible_ssh_common_args='${common}'`,
    'ansible_python_interpreter=/usr/bin/python3',
  ];
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

function runAnsible(inventory: string, controlDir: string, dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-local'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
  };
  return new Promise((resolve, reject) => {
    const child = spawn('ansible', ['fan', '-i', inventory, '-m', 'command', '-a', 'echo hi', '-f', String(ANSIBLE_FORKS), '-o'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** SIGTERMs every process whose command line names `dir` (ssh control masters show their socket path); returns their CPU seconds. */
function endProcessesMentioning(dir: string): number {
  let cpuS = 0;
  for (const pid of pidsWithCommandLine(dir)) {
    cpuS += processCpu(pid).own;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // exited meanwhile
    }
  }
  return cpuS;
}

function ansibleVersion(): string {
  try {
    const text = readFileSync('/usr/lib/python3/dist-packages/ansible/release.py', 'utf8');
    return /__version__ = '([^']+)'/.exec(text)?.[1] ?? '';
  } catch {
    return '';
  }
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}

function firstFailure(stdout: string): string {
  return stdout.split('\n').find((line) => line !== '' && !/\| CHANGED \| rc=0 \|/.test(line))?.slice(0, 300) ?? '';
}
