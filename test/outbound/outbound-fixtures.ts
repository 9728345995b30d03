import net from 'node:net';
import type { Store } from '../../src/store/store.js';
import { DeliveryLoop, type DeliveryLoopOptions } from '../../src/outbound/delivery/delivery-loop.js';
import { defaultSinkFactory } from '../../src/outbound/delivery/sink-factory.js';
import { parseRfc5424, type ParsedSyslog } from './syslog-parsers.js';

/** A delivery loop tuned for tests: quick polls and a short backoff, so a test waits little. */
export function testLoop(store: Store, options: Partial<DeliveryLoopOptions> = {}): DeliveryLoop {
  return new DeliveryLoop({
    store,
    buildSink: defaultSinkFactory(store, null),
    pollMs: 50,
    reloadMs: 200,
    leaseMs: 5_000,
    backoff: { initialMs: 100, maxMs: 500 },
    ...options,
  });
}

/** Waits until `check` returns a value other than `undefined`/`false`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How many values appear more than once, and whether first appearances are increasing. */
export function orderAndDuplicates(seqs: readonly number[]): { duplicates: number; inOrder: boolean; distinct: number[] } {
  const seen = new Set<number>();
  const distinct: number[] = [];
  let duplicates = 0;
  for (const seq of seqs) {
    if (seen.has(seq)) duplicates += 1;
    else {
      seen.add(seq);
      distinct.push(seq);
    }
  }
  const inOrder = distinct.every((seq, i) => i === 0 || seq > (distinct[i - 1] as number));
  return { duplicates, inOrder, distinct };
}

/** A TCP syslog receiver that splits octet-counted frames and keeps the `seq` of each message. */
export class FrameReceiver {
  readonly seqs: number[] = [];
  readonly messages: ParsedSyslog[] = [];
  readonly #sockets = new Set<net.Socket>();
  readonly #server = net.createServer((socket) => {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        if (space < 0) return;
        const length = Number(buffer.subarray(0, space).toString('ascii'));
        if (buffer.length < space + 1 + length) return;
        const message = buffer.subarray(space + 1, space + 1 + length).toString('utf8');
        buffer = buffer.subarray(space + 1 + length);
        const parsed = parseRfc5424(message);
        this.messages.push(parsed);
        this.seqs.push(Number(parsed.sd['ostiary@32473']?.seq));
      }
    });
  });

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return (this.#server.address() as net.AddressInfo).port;
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
