import type { ConnectionOptions } from 'node:tls';
import { z } from 'zod';

/**
 * TLS as libpq names it. `disable`: plain TCP. `require`: encrypted, certificate not
 * checked (protects against listeners, not against an impostor). `verify-ca`: the
 * certificate must chain to a trusted CA. `verify-full`: and name the host. Without
 * `caCertificate`, the system's CAs are trusted.
 */
export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** A device's settings for the `postgres` executor (`ExecutionContext.executorConfig`). */
export const postgresConfigSchema = z.strictObject({
  /** Database to connect to. @defaultValue 'postgres' */
  database: z.string().min(1).max(63).default('postgres'),
  /** Overrides the device's port. @defaultValue the device's port */
  port: z.number().int().min(1).max(65535).optional(),
  /**
   * @defaultValue 'disable' — most database servers on a private network have no
   * certificate; set `verify-full` wherever they do, since a change statement carries the
   * new password in clear over a plain connection.
   */
  sslmode: z.enum(SSL_MODES).default('disable'),
  /** PEM certificate(s) of the CA to trust for `verify-ca` / `verify-full`. */
  caCertificate: z.string().min(1).optional(),
});

export type PostgresConfig = z.output<typeof postgresConfigSchema>;

/** The `ssl` option of a `pg` client for the config's `sslmode`, or `false` for none. */
export function postgresTlsOptions(config: PostgresConfig): ConnectionOptions | false {
  const ca = config.caCertificate === undefined ? {} : { ca: config.caCertificate };
  switch (config.sslmode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { ...ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ...ca, rejectUnauthorized: true };
  }
}
