import dgram from 'node:dgram';
import net from 'node:net';
import type { SyslogTransport } from './syslog-transport.js';

/**
 * UDP (RFC 5426): one datagram per message. Best effort by nature: a datagram that finds no
 * receiver is gone. The socket is connected, so an ICMP "port unreachable" surfaces as an
 * error on a later send and the sink backs off instead of sending into the void.
 */
export class UdpTransport implements SyslogTransport {
  readonly breaks = 0;
  readonly lastBreakAt = 0;
  readonly #host: string;
  readonly #port: number;
  #socket: dgram.Socket | null = null;

  constructor(host: string, port: number) {
    this.#host = host;
    this.#port = port;
  }

  async send(messages: readonly string[]): Promise<void> {
    const socket = this.#socket ?? (await this.#open());
    for (const message of messages) await this.#sendOne(socket, Buffer.from(message, 'utf8'));
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  async #open(): Promise<dgram.Socket> {
    const socket = dgram.createSocket(net.isIPv6(this.#host) ? 'udp6' : 'udp4');
    socket.on('error', () => this.#drop(socket));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(this.#port, this.#host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.#socket = socket;
    return socket;
  }

  #sendOne(socket: dgram.Socket, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      socket.send(data, (error) => {
        if (!error) return resolve();
        this.#drop(socket);
        reject(error);
      });
    });
  }

  #drop(socket: dgram.Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    socket.close();
  }
}
