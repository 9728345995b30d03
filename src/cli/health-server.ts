import Fastify from 'fastify';
import type { Logger } from 'pino';
import { OstiaryError } from '../domain/index.js';

/** What `start` needs of its HTTP server. */
export interface HttpServer {
  /** Stops accepting connections and waits for requests in flight. */
  close(): Promise<void>;
  /** Where it listens, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
}

/**
 * The HTTP server of `ostiary start`. For now it serves `GET /healthz`; the REST API and
 * the console are mounted here when they exist.
 */
export async function startHttpServer(options: { host: string; port: number; logger: Logger }): Promise<HttpServer> {
  const server = Fastify({ loggerInstance: options.logger.child({ component: 'http' }) });
  server.get('/healthz', async () => ({ status: 'ok' }));
  try {
    const url = await server.listen({ host: options.host, port: options.port });
    return { url, close: () => server.close() };
  } catch (error) {
    await server.close();
    throw listenError(error, options.host, options.port);
  }
}

export function listenError(error: unknown, host: string, port: number): OstiaryError {
  const code = (error as NodeJS.ErrnoException).code;
  const field = code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' ? '--host' : '--port';
  const why = code === 'EADDRINUSE' ? 'is already in use' : `cannot be listened on (${code ?? 'error'})`;
  return new OstiaryError('OST_CONFIG', `${field}: ${host}:${port} ${why}`, { details: { field }, cause: error });
}
