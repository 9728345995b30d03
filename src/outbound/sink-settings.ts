import { z } from 'zod';
import { validationError } from '../domain/index.js';
import type { OstiaryError } from '../domain/index.js';
import type { SinkKind } from '../store/sink-store.js';
import { FACILITIES, SEVERITIES } from './syslog/syslog-severity.js';
import type { FacilityName, SeverityName } from './syslog/syslog-severity.js';

const eventGlob = z.string().regex(/^[A-Za-z0-9_.*-]+$/, 'expected an event type or a glob such as `credential.*`');
const events = z.array(eventGlob).min(1, 'expected at least one event type or glob').default(['*']);
const port = z.number().int().min(1).max(65_535);
const timeoutMs = z.number().int().min(100).max(120_000).default(10_000);
const facilityName = z.enum(Object.keys(FACILITIES) as [FacilityName, ...FacilityName[]]);
const severityName = z.enum(Object.keys(SEVERITIES) as [SeverityName, ...SeverityName[]]);

const tlsSchema = z.strictObject({
  caFile: z.string().min(1).optional(),
  certFile: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  serverName: z.string().min(1).optional(),
  rejectUnauthorized: z.boolean().default(true),
});

const syslogSchema = z
  .strictObject({
    transport: z.enum(['udp', 'tcp', 'tls']),
    host: z.string().min(1, 'expected a host name or address'),
    port,
    format: z.enum(['rfc5424', 'cef']).default('rfc5424'),
    facility: facilityName.default('local0'),
    hostname: z.string().min(1).max(255).optional(),
    events,
    severities: z.record(eventGlob, severityName).default({}),
    tls: tlsSchema.optional(),
    timeoutMs,
    enterpriseId: z.number().int().positive().default(32473),
    resendWindowMs: z.number().int().min(0).max(600_000).default(5_000),
  })
  .refine((value) => value.transport === 'tls' || value.tls === undefined, { path: ['tls'], message: 'only with transport `tls`' });

const webhookSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
    events,
    timeoutMs,
    /** Config file only: the signing secret comes from this environment variable… */
    secretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
    /** …or from this file (trailing newline removed). */
    secretFile: z.string().min(1).optional(),
  })
  .refine((value) => !(value.secretEnv && value.secretFile), { path: ['secretFile'], message: 'give secretEnv or secretFile, not both' });

/** A syslog sink's settings after validation (defaults filled). */
export type SyslogSettings = z.output<typeof syslogSchema>;
/** A webhook sink's settings after validation (defaults filled). */
export type WebhookSettings = z.output<typeof webhookSchema>;
export type SinkSettings = { readonly kind: 'syslog'; readonly settings: SyslogSettings } | { readonly kind: 'webhook'; readonly settings: WebhookSettings };

/** Validates a sink's settings for its kind; the error names the field under `field`. */
export function parseSinkSettings(kind: SinkKind, config: unknown, field = 'sink.config'): SinkSettings {
  const schema = kind === 'syslog' ? syslogSchema : webhookSchema;
  const parsed = schema.safeParse(config);
  if (!parsed.success) throw settingsError(parsed.error.issues[0], field);
  return Object.freeze({ kind, settings: Object.freeze(parsed.data) } as SinkSettings);
}

function settingsError(issue: z.core.$ZodIssue | undefined, field: string): OstiaryError {
  const path = issue?.path.map(String).join('.') ?? '';
  return validationError(path === '' ? field : `${field}.${path}`, issue?.message ?? 'invalid');
}

/** Severity codes as names, for a syslog sink's `severities`. */
export type { SeverityName, FacilityName };
