import { ERROR_CATALOGUE, OstiaryError } from '../../domain/index.js';
import type { ErrorCode } from '../../domain/index.js';

export interface ApiRequest {
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Extra headers (the login flow's cookie and CSRF header). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in ERROR_CATALOGUE;
}

/** The API's `{ code, message, details }` as the same OstiaryError the server threw. */
function errorFrom(status: number, body: unknown): OstiaryError {
  const candidate = body as { code?: unknown; message?: unknown; details?: unknown } | null;
  const code = isErrorCode(candidate?.code) ? candidate.code : 'OST_INTERNAL';
  const message = typeof candidate?.message === 'string' ? candidate.message : `the API answered HTTP ${status}`;
  const details = typeof candidate?.details === 'object' && candidate.details !== null ? (candidate.details as Record<string, unknown>) : {};
  return new OstiaryError(code, message, { details });
}

/** A thin JSON client of `/api/v1`; errors come back as catalogue errors. */
export class ApiClient {
  readonly baseUrl: string;
  readonly #token: string | null;

  constructor(baseUrl: string, token: string | null) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#token = token;
  }

  async call<T>(method: string, path: string, request: ApiRequest = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (this.#token !== null) headers.authorization = `Bearer ${this.#token}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.#fetch(this.#url(path, request.query), { method, headers, body: request.body === undefined ? undefined : JSON.stringify(request.body) });
    const text = await response.text();
    const body: unknown = text === '' ? null : JSON.parse(text);
    if (!response.ok) throw errorFrom(response.status, body);
    return { status: response.status, body: body as T, headers: response.headers };
  }

  async get<T>(path: string, query?: ApiRequest['query']): Promise<T> {
    return (await this.call<T>('GET', path, { query })).body;
  }

  async send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return (await this.call<T>(method, path, { body })).body;
  }

  #url(path: string, query: ApiRequest['query']): string {
    const url = new URL(`${this.baseUrl}/api/v1${path}`);
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    return url.toString();
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      throw new OstiaryError('OST_CONFIG', `cannot reach the API at ${this.baseUrl}; check OSTIARY_URL or run \`ostiary login --url …\``, { cause: error, details: { field: 'OSTIARY_URL' } });
    }
  }
}
