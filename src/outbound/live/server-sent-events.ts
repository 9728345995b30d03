import type { FastifyReply, FastifyRequest } from 'fastify';

/** One Server-Sent Events message. */
export interface SseMessage {
  readonly event: string;
  readonly data: unknown;
  readonly id?: string | number;
}

/** Keeps proxies from closing a quiet stream. @defaultValue 15000 */
export const SSE_KEEPALIVE_MS = 15_000;

/** `id:`, `event:` and one `data:` line of JSON (JSON.stringify never emits a raw line break). */
export function sseFrame(message: SseMessage): string {
  const id = message.id === undefined ? '' : `id: ${message.id}\n`;
  return `${id}event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

/**
 * Streams messages as `text/event-stream` until the source ends or the client goes away
 * (which aborts the signal handed to `open`, so the source stops polling the store).
 */
export async function streamSse(
  request: FastifyRequest,
  reply: FastifyReply,
  open: (signal: AbortSignal) => AsyncIterable<SseMessage>,
): Promise<void> {
  const controller = new AbortController();
  request.raw.once('close', () => controller.abort());
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(': ostiary stream\n\n');
  const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
  try {
    for await (const message of open(controller.signal)) {
      if (controller.signal.aborted) break;
      raw.write(sseFrame(message));
    }
  } catch (error) {
    raw.write(sseFrame({ event: 'error', data: { message: error instanceof Error ? error.message : 'stream failed' } }));
  } finally {
    clearInterval(keepAlive);
    raw.end();
  }
}
