import { OstiaryError } from '../../domain/index.js';
import type { Argument } from '../../templates/ast.js';
import { renderArgument } from '../../templates/index.js';
import { contentKindOf, renderContent, renderHeaderValue, renderUrl } from '../../templates/http/index.js';
import type { HttpMethod, HttpStep } from '../../templates/http/index.js';

/** Methods whose parameters travel as a form body when the template sets no content. */
const BODY_METHODS: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH']);

/** What `set-…` steps build up for the next `request`, rendered into a ready request. */
export interface BuiltRequest {
  readonly url: URL;
  readonly method: HttpMethod;
  readonly headers: Record<string, string>;
  readonly body: Buffer | null;
}

/**
 * The request being prepared. Headers stay for every later request (a session's
 * `Authorization`, say); method, parameters, content and content type apply to the next
 * request only and are reset after it.
 */
export class HttpRequestDraft {
  readonly #headers = new Map<string, { name: string; value: string }>();
  #method: HttpMethod = 'GET';
  #params: [string, string][] = [];
  #content: Argument | null = null;
  #contentType: string | null = null;

  constructor(private readonly values: Readonly<Record<string, string>>) {}

  /** Applies a `set-…` step; returns false for steps it does not handle. */
  apply(step: HttpStep): boolean {
    switch (step.kind) {
      case 'set-request-method':
        this.#method = step.method;
        return true;
      case 'set-request-header':
        this.#headers.set(step.name.toLowerCase(), { name: step.name, value: renderHeaderValue(step.value, this.values) });
        return true;
      case 'set-request-param':
        this.#params.push([step.name, renderArgument(step.value, this.values)]);
        return true;
      case 'set-request-content':
        this.#content = step.content;
        return true;
      case 'set-content-type':
        this.#contentType = step.contentType;
        return true;
      default:
        return false;
    }
  }

  hasHeader(name: string): boolean {
    return this.#headers.has(name.toLowerCase());
  }

  /** Renders the request for a `request` step, then resets what applies to one request only. */
  build(urlArgument: Argument, line: number): BuiltRequest {
    const url = parseUrl(renderUrl(urlArgument, this.values), line);
    const { body, contentType } = this.#body(url);
    const headers: Record<string, string> = { 'user-agent': 'ostiary' };
    for (const { name, value } of this.#headers.values()) headers[name] = value;
    if (contentType !== null && !this.hasHeader('content-type')) headers['content-type'] = contentType;
    const built = { url, method: this.#method, headers, body };
    this.#method = 'GET';
    this.#params = [];
    this.#content = null;
    this.#contentType = null;
    return built;
  }

  #body(url: URL): { body: Buffer | null; contentType: string | null } {
    if (this.#content) {
      for (const [name, value] of this.#params) url.searchParams.append(name, value);
      return { body: Buffer.from(renderContent(this.#content, this.values, contentKindOf(this.#contentType)), 'utf8'), contentType: this.#contentType };
    }
    if (this.#params.length > 0 && BODY_METHODS.has(this.#method)) {
      return { body: Buffer.from(new URLSearchParams(this.#params).toString(), 'utf8'), contentType: this.#contentType ?? 'application/x-www-form-urlencoded' };
    }
    for (const [name, value] of this.#params) url.searchParams.append(name, value);
    return { body: null, contentType: null };
  }
}

function parseUrl(text: string, line: number): URL {
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return url;
  throw new OstiaryError('OST_TEMPLATE_PARSE', `line ${line}: the request URL is not an absolute http:// or https:// URL`, { details: { field: 'template.source', line } });
}
