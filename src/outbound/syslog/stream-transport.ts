import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import type { SyslogTransport } from './syslog-transport.js';
import { octetCountedFrame } from './syslog-transport.js';

export interface StreamTransportOptions {
  readonly host: string;
  readonly port: number;
  /** Connect and write timeout. */
  readonly timeoutMs: number;
  /** TLS (RFC 5425) when set. */
  readonly tls?: TlsFiles | null;
}

/** PEM files for TLS; the server certificate is verified unless `rejectUnauthorized` is false. */
export interface TlsFiles {
  readonly caFile?: string | undefined;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  /** The name the server certificate must carry. @defaultValue the host */
  readonly serverName?: string | undefined;
  /** @defaultValue true */
  readonly rejectUnauthorized?: boolean | undefined;
}

/**
 * TCP (RFC 6587, octet-counted framing) or TLS (RFC 5425) to a syslog receiver. One
 * connection, opened on first use and again after it breaks; a receiver that closes the
 * connection is noticed at once (its FIN), so the next send reconnects.
 */
export class StreamTransport implements SyslogTransport {
  readonly #options: StreamTransportOptions;
  #socket: net.Socket | null = null;
  #breaks = 0;
  #lastBreakAt = 0;

  constructor(options: StreamTransportOptions) {
    this.#options = options;
  }

  get breaks(): number {
    return this.#breaks;
  }

  get lastBreakAt(): number {
    return this.#lastBreakAt;
  }

  async send(messages: readonly string[]): Promise<void> {
    if (messages.length === 0) return;
    const socket = this.#socket ?? (await this.#connect());
    const frames = Buffer.concat(messages.map(octetCountedFrame));
    await this.#write(socket, frames);
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = null;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), this.#options.timeoutMs).unref();
    });
  }

  async #connect(): Promise<net.Socket> {
    const socket = this.#options.tls ? await this.#connectTls(this.#options.tls) : this.#connectTcp();
    await this.#whenConnected(socket, this.#options.tls ? 'secureConnect' : 'connect');
    socket.setKeepAlive(true, 30_000);
    socket.on('error', () => undefined);
    socket.once('close', () => this.#broken(socket));
    // The receiver never sends data; its FIN means it has closed the connection.
    socket.on('data', () => undefined);
    socket.once('end', () => socket.destroy());
    this.#socket = socket;
    return socket;
  }

  #connectTcp(): net.Socket {
    return net.connect({ host: this.#options.host, port: this.#options.port });
  }

  async #connectTls(files: TlsFiles): Promise<net.Socket> {
    const [ca, cert, key] = await Promise.all([files.caFile, files.certFile, files.keyFile].map((path) => (path ? readFile(path) : undefined)));
    return tls.connect({
      host: this.#options.host,
      port: this.#options.port,
      // Without a server name Node checks the certificate against the host (an IP SAN for an IP).
      ...(files.serverName ? { servername: files.serverName } : {}),
      ca,
      cert,
      key,
      rejectUnauthorized: files.rejectUnauthorized ?? true,
      minVersion: 'TLSv1.2',
    });
  }

  #whenConnected(socket: net.Socket, event: 'connect' | 'secureConnect'): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => {
        cleanup();
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`connect to ${this.#options.host}:${this.#options.port} timed out`)), this.#options.timeoutMs);
      const ok = () => {
        cleanup();
        resolve();
      };
      const cleanup = () => {
        clearTimeout(timer);
        socket.off('error', fail);
        socket.off(event, ok);
      };
      socket.once('error', fail);
      socket.once(event, ok);
    });
  }

  #write(socket: net.Socket, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`write to ${this.#options.host}:${this.#options.port} timed out`));
      }, this.#options.timeoutMs);
      socket.write(data, (error) => {
        clearTimeout(timer);
        if (!error) return resolve();
        socket.destroy();
        reject(error);
      });
    });
  }

  #broken(socket: net.Socket): void {
    this.#breaks += 1;
    this.#lastBreakAt = Date.now();
    if (this.#socket === socket) this.#socket = null;
  }
}
