import http from 'node:http';
import https from 'node:https';

/** One request, ready to send. */
export interface HttpRequestSpec {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | null;
  /** Verify the server's certificate (https only). */
  readonly rejectUnauthorized: boolean;
  readonly ca?: string;
  readonly connectMs: number;
  /** Longest silence allowed once connected, waiting for or reading the answer. */
  readonly readMs: number;
  readonly maxResponseBytes: number;
  readonly signal: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  /** `HTTP/1.1 200 OK` */
  readonly statusLine: string;
  /** The body as UTF-8, cut at `maxResponseBytes`. */
  readonly body: string;
  readonly bytes: number;
  readonly truncated: boolean;
}

/**
 * Sends one request with Node's own `http`/`https` (no dependency; `fetch` cannot switch
 * certificate checks per request without `undici`'s `Agent`). A fresh connection per request
 * (`agent: false`), no redirects followed, connect and read timeouts that fail with
 * `ETIMEDOUT`, and the abort signal tearing the connection down.
 */
export function sendHttpRequest(spec: HttpRequestSpec): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const secure = spec.url.protocol === 'https:';
    const options: https.RequestOptions = {
      method: spec.method,
      headers: spec.headers,
      agent: false,
      signal: spec.signal,
      ...(secure ? { rejectUnauthorized: spec.rejectUnauthorized, ...(spec.ca ? { ca: spec.ca } : {}) } : {}),
    };
    const request = (secure ? https : http).request(spec.url, options);
    const connectTimer = setTimeout(() => request.destroy(timedOut(`connect timed out after ${spec.connectMs} ms`)), spec.connectMs);
    request.on('socket', (socket) => socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer)));
    request.setTimeout(spec.readMs, () => request.destroy(timedOut(`no answer within ${spec.readMs} ms`)));
    request.on('error', (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    request.on('response', (response) => readAnswer(response, spec.maxResponseBytes).then(resolve, reject));
    request.end(spec.body ?? undefined);
  });
}

function readAnswer(response: http.IncomingMessage, limit: number): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let bytes = 0;
    const finish = (): void => {
      const status = response.statusCode ?? 0;
      const statusLine = `HTTP/${response.httpVersion} ${status} ${response.statusMessage ?? ''}`.trimEnd();
      resolve({ status, statusLine, body: Buffer.concat(chunks).toString('utf8'), bytes, truncated: bytes > kept });
    };
    response.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      const room = limit - kept;
      if (room > 0) chunks.push(chunk.subarray(0, room));
      kept += Math.min(room > 0 ? room : 0, chunk.length);
      if (bytes > limit) {
        response.destroy();
        finish();
      }
    });
    response.on('end', finish);
    response.on('error', reject);
  });
}

function timedOut(message: string): Error {
  return Object.assign(new Error(message), { code: 'ETIMEDOUT' });
}
