import { createServer } from 'node:net';

/**
 * Hands out loopback addresses 127.A.B.C for test hosts. Each harness starts at a random
 * block (A in 16..239), so test files running side by side rarely meet; when they do, the
 * probe (or sshd's own bind error) moves on to the next address.
 */
export class LoopbackAddresses {
  #next: number;

  constructor() {
    const a = 16 + Math.floor(Math.random() * 224);
    const b = Math.floor(Math.random() * 256);
    this.#next = (a << 16) | (b << 8) | 1;
  }

  /** The next address whose `port` nothing listens on right now. */
  async take(port: number): Promise<string> {
    for (;;) {
      const address = this.#advance();
      if (await isFree(address, port)) return address;
    }
  }

  #advance(): string {
    if ((this.#next & 0xff) === 0 || (this.#next & 0xff) === 255) this.#next = (this.#next & ~0xff) + 0x100 + 1;
    if (this.#next >= 240 << 16) this.#next = (16 << 16) | 1;
    const value = this.#next++;
    return `127.${(value >> 16) & 0xff}.${(value >> 8) & 0xff}.${value & 0xff}`;
  }
}

function isFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
