import type { SslOptions } from 'mysql2';
import { z } from 'zod';

/** TLS as libpq names it (see the `postgres` executor); the same words for every SQL executor. */
export const MYSQL_SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;

/** A device's settings for the `mysql` executor (`ExecutionContext.executorConfig`). */
export const mysqlConfigSchema = z.strictObject({
  /** Default database of the session. @defaultValue none (statements name their database) */
  database: z.string().min(1).max(64).optional(),
  /** Overrides the device's port. @defaultValue the device's port */
  port: z.number().int().min(1).max(65535).optional(),
  /**
   * `disable`: plain TCP. `require`: encrypted, certificate not checked. `verify-ca`: the
   * certificate must chain to a trusted CA. `verify-full`: and name the host.
   * @defaultValue 'disable' — set `verify-full` wherever the server has a certificate: a
   * change statement carries the new password in clear over a plain connection.
   */
  sslmode: z.enum(MYSQL_SSL_MODES).default('disable'),
  /** PEM certificate(s) of the CA to trust for `verify-ca` / `verify-full`. */
  caCertificate: z.string().min(1).optional(),
});

export type MysqlConfig = z.output<typeof mysqlConfigSchema>;

/** The `ssl` option of a `mysql2` connection for the config's `sslmode`, or undefined for none. */
export function mysqlTlsOptions(config: MysqlConfig): SslOptions | undefined {
  const ca = config.caCertificate === undefined ? {} : { ca: config.caCertificate };
  switch (config.sslmode) {
    case 'disable':
      return undefined;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { ...ca, rejectUnauthorized: true, verifyIdentity: false };
    case 'verify-full':
      return { ...ca, rejectUnauthorized: true, verifyIdentity: true };
  }
}
