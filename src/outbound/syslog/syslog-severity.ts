import { globToRegExp } from '../event-filter.js';

/** Syslog facility names (RFC 5424 §6.2.1) and their codes. */
export const FACILITIES = Object.freeze({
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10,
  ftp: 11, ntp: 12, security: 13, console: 14, solaris_cron: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const);
export type FacilityName = keyof typeof FACILITIES;

/** Syslog severity names and their codes. */
export const SEVERITIES = Object.freeze({
  emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7,
} as const);
export type SeverityName = keyof typeof SEVERITIES;

/**
 * Severity by event type; the first matching glob wins, anything else is `info`. A failure
 * the operator must act on is `err`; a credential whose vault and device disagree is `crit`.
 */
export const DEFAULT_SEVERITIES: readonly (readonly [string, SeverityName])[] = Object.freeze([
  ['*.out_of_sync', 'crit'],
  ['audit.broken', 'crit'],
  ['operation.failed', 'err'],
  ['*.rotation_failed', 'err'],
  ['operation.expired', 'warning'],
  ['*.login_failed', 'warning'],
  ['*.locked', 'warning'],
  ['operation.cancelled', 'notice'],
  ['operation.cancel_requested', 'notice'],
  ['*.revealed', 'notice'],
  ['credential.*', 'notice'],
  ['user.*', 'notice'],
  ['token.*', 'notice'],
  ['sink.*', 'notice'],
]);

/** Maps an event type to a severity code, `overrides` (glob → name) first, then the defaults. */
export function severityResolver(overrides: Readonly<Record<string, SeverityName>> = {}): (type: string) => number {
  const rules = [...Object.entries(overrides), ...DEFAULT_SEVERITIES].map(([glob, name]) => [globToRegExp(glob), SEVERITIES[name]] as const);
  return (type) => rules.find(([pattern]) => pattern.test(type))?.[1] ?? SEVERITIES.info;
}

/** CEF severity (0–10) for a syslog severity: emerg/alert 10, crit 9, err 7, warning 5, notice 3, info 1, debug 0. */
export function cefSeverity(syslogSeverity: number): number {
  return [10, 10, 9, 7, 5, 3, 1, 0][syslogSeverity] ?? 1;
}
