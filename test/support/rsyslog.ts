import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requirePart } from './integration.js';
import { runChecked } from './ssh/child-process.js';

const RSYSLOGD = '/usr/sbin/rsyslogd';
const GTLS_DRIVER = '/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so';

/** `false` when rsyslogd with the GnuTLS driver and openssl are here, else the skip reason (a failure in CI). */
export function rsyslogSkip(): Promise<string | false> {
  return requirePart(
    'rsyslog (with rsyslog-gnutls) and openssl',
    () => existsSync(RSYSLOGD) && existsSync(GTLS_DRIVER) && existsSync('/usr/bin/openssl'),
    'install them with `apt-get install -y rsyslog rsyslog-gnutls openssl`',
  );
}

/** PEM files of a throwaway CA, a server certificate for 127.0.0.1 and a client certificate. */
export interface TestCertificates {
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

export interface RsyslogPorts {
  readonly udp: number;
  readonly tcp: number;
  /** TLS, server certificate only. */
  readonly tls: number;
  /** TLS that also requires a client certificate signed by the CA. */
  readonly mtls: number;
}

/**
 * A real rsyslogd on loopback ports (UDP, TCP, TLS, TLS with client certificates) that
 * writes every message it receives, raw, one per line, to `messages.log`. Stop and start it
 * again on the same ports to play a SIEM that goes away.
 */
export class RsyslogServer {
  readonly dir: string;
  readonly ports: RsyslogPorts;
  readonly certs: TestCertificates;
  #child: ChildProcess | null = null;

  private constructor(dir: string, ports: RsyslogPorts, certs: TestCertificates) {
    this.dir = dir;
    this.ports = ports;
    this.certs = certs;
  }

  static async start(): Promise<RsyslogServer> {
    const dir = await mkdtemp(join(tmpdir(), 'ostiary-rsyslog-'));
    try {
      const certs = await createCertificates(dir);
      const ports = { udp: await freeUdpPort(), tcp: await freeTcpPort(), tls: await freeTcpPort(), mtls: await freeTcpPort() };
      const server = new RsyslogServer(dir, ports, certs);
      await mkdir(join(dir, 'work'));
      await writeFile(join(dir, 'rsyslog.conf'), server.#config());
      await server.resume();
      return server;
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get logFile(): string {
    return join(this.dir, 'messages.log');
  }

  /** Every message received so far, in arrival order. */
  async messages(): Promise<string[]> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    return text.split('\n').filter((line) => line !== '');
  }

  /** Waits until `predicate(messages)` holds. */
  async waitFor(predicate: (messages: string[]) => boolean, timeoutMs = 30_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const messages = await this.messages();
      if (predicate(messages)) return messages;
      if (Date.now() > deadline) throw new Error(`rsyslog: condition not met after ${timeoutMs} ms (${messages.length} messages)`);
      await sleep(100);
    }
  }

  /** Starts rsyslogd (again) and waits until its TCP inputs accept connections. */
  async resume(): Promise<void> {
    if (this.#child) return;
    const child = spawn(RSYSLOGD, ['-n', '-f', join(this.dir, 'rsyslog.conf'), '-i', join(this.dir, 'rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    this.#child = child;
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`rsyslogd exited (${code}): ${stderr}`))));
    await Promise.race([exited, Promise.all([this.ports.tcp, this.ports.tls, this.ports.mtls].map(waitForPort))]);
    exited.catch(() => undefined);
  }

  /** Stops rsyslogd (SIGTERM) and waits for it to exit. */
  async pause(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  async stop(): Promise<void> {
    await this.pause();
    await rm(this.dir, { recursive: true, force: true });
  }

  #config(): string {
    const { certs, ports, dir } = this;
    return `global(
  workDirectory="${join(dir, 'work')}"
  maxMessageSize="64k"
  defaultNetstreamDriverCAFile="${certs.caFile}"
  defaultNetstreamDriverCertFile="${certs.serverCertFile}"
  defaultNetstreamDriverKeyFile="${certs.serverKeyFile}"
)
module(load="imudp")
module(load="imtcp")
template(name="raw" type="string" string="%rawmsg%\\n")
ruleset(name="raw") {
  action(type="omfile" file="${this.logFile}" template="raw")
}
input(type="imudp" address="127.0.0.1" port="${ports.udp}" ruleset="raw")
input(type="imtcp" address="127.0.0.1" port="${ports.tcp}" ruleset="raw")
input(type="imtcp" address="127.0.0.1" port="${ports.tls}" ruleset="raw"
  streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imtcp" address="127.0.0.1" port="${ports.mtls}" ruleset="raw"
  streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="x509/certvalid")
`;
  }
}

async function createCertificates(dir: string): Promise<TestCertificates> {
  const path = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await runChecked('openssl', ['req', '-x509', ...ec, '-keyout', path('ca-key.pem'), '-out', path('ca.pem'), '-days', '2', '-subj', '/CN=Ostiary Test CA']);
  await issue(dir, 'server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth');
  await issue(dir, 'client', '/CN=ostiary-client', 'extendedKeyUsage=clientAuth');
  return {
    caFile: path('ca.pem'),
    serverCertFile: path('server-cert.pem'),
    serverKeyFile: path('server-key.pem'),
    clientCertFile: path('client-cert.pem'),
    clientKeyFile: path('client-key.pem'),
  };
}

async function issue(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  const path = (file: string) => join(dir, file);
  await writeFile(path(`${name}.ext`), `${extensions}\n`);
  await runChecked('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path(`${name}-key.pem`), '-out', path(`${name}.csr`), '-subj', subject]);
  await runChecked('openssl', [
    'x509', '-req', '-in', path(`${name}.csr`), '-CA', path('ca.pem'), '-CAkey', path('ca-key.pem'), '-CAcreateserial',
    '-out', path(`${name}-cert.pem`), '-days', '2', '-extfile', path(`${name}.ext`),
  ]);
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline) throw new Error(`rsyslogd did not listen on ${port}`);
    await sleep(50);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
