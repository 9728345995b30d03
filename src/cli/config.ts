import { resolve } from 'node:path';
import { z } from 'zod';
import { OstiaryError } from '../domain/index.js';

/** Settings every command shares, validated once here and frozen. */
export interface OstiaryConfig {
  /** `postgres://…` for PostgreSQL, otherwise the SQLite file path. @defaultValue `<dataDir>/ostiary.db` */
  readonly dbUrl: string;
  /** Holds the SQLite file and the vault key file. @defaultValue `./data` */
  readonly dataDir: string;
  /** Base64 master key from OSTIARY_MASTER_KEY; when absent the key file in `dataDir` is used. */
  readonly masterKey: string | null;
  /** The config file (outbound sinks, docs/integrations.md), from OSTIARY_CONFIG_FILE. @defaultValue `<dataDir>/ostiary.json` */
  readonly configFile: string;
}

export interface ConfigOverrides {
  readonly db?: string | undefined;
  readonly dataDir?: string | undefined;
}

const configSchema = z.object({
  dataDir: z.string().min(1, 'expected a directory path'),
  dbUrl: z.string().min(1, 'expected postgres://… or a SQLite file path'),
  masterKey: z.string().min(1).nullable(),
  configFile: z.string().min(1, 'expected a file path'),
});

/** Command-line flags win over environment variables, which win over defaults. */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): OstiaryConfig {
  const dataDir = resolve(overrides.dataDir ?? env.OSTIARY_DATA_DIR ?? 'data');
  const candidate = {
    dataDir,
    dbUrl: overrides.db ?? env.OSTIARY_DB ?? resolve(dataDir, 'ostiary.db'),
    masterKey: env.OSTIARY_MASTER_KEY ?? null,
    configFile: resolve(env.OSTIARY_CONFIG_FILE ?? resolve(dataDir, 'ostiary.json')),
  };
  const parsed = configSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? 'config';
    throw new OstiaryError('OST_CONFIG', `${field}: ${issue?.message ?? 'invalid'}`, { details: { field } });
  }
  return Object.freeze(parsed.data);
}
