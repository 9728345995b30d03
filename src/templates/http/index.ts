/** The cURL-like dialect of the `http` executor (DESIGN §5). Pure: no I/O. */
export * from './http-program.js';
export { httpCommandNames, parseHttpSource, parseHttpTemplate, parseHttpTemplateOrThrow } from './parse-http-template.js';
export type { HttpParse } from './parse-http-template.js';
export { renderUrl, urlMaskParts } from './url-masks.js';
export type { UrlPart } from './url-masks.js';
export { contentKindOf, renderContent } from './content-masks.js';
export type { ContentKind } from './content-masks.js';
export { HEADER_NAME, HEADER_VALUE, renderHeaderValue } from './header-masks.js';
export { wildcardMatches } from './wildcard-pattern.js';
