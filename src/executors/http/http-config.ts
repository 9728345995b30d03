import { z } from 'zod';

/** 1 MiB: far more than a password-change answer needs, little enough to hold in memory. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** A device's settings for the `http` executor (`ExecutionContext.executorConfig`). */
export const httpConfigSchema = z.strictObject({
  /**
   * Accept any TLS certificate. Off unless a device opts out explicitly — the opposite of
   * the reference product — and every run that uses it says so in its transcript.
   * @defaultValue false
   */
  insecureSkipTlsVerify: z.boolean().default(false),
  /** PEM certificate(s) of a private CA to trust besides the system's, so a device need not opt out. */
  caCertificate: z.string().min(1).optional(),
  /**
   * Send the login credential as HTTP Basic authentication on every request (unless the
   * template sets its own `Authorization` header). @defaultValue false
   */
  basicAuth: z.boolean().default(false),
  /** Response bytes kept for `expect`; the rest is discarded. @defaultValue 1048576 */
  maxResponseBytes: z.number().int().min(1).max(64 * 1024 * 1024).default(DEFAULT_MAX_RESPONSE_BYTES),
});

export type HttpConfig = z.output<typeof httpConfigSchema>;
