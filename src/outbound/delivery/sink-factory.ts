import { readFile } from 'node:fs/promises';
import { OstiaryError } from '../../domain/index.js';
import type { SealedSecret } from '../../domain/index.js';
import type { SinkRecord } from '../../store/sink-store.js';
import type { Store } from '../../store/store.js';
import { parseSinkSettings, type WebhookSettings } from '../sink-settings.js';
import { SyslogSink } from '../syslog/syslog-sink.js';
import { WebhookSink } from '../webhook/webhook-sink.js';
import type { OutboundSink } from './outbound-sink.js';

/** Opens sealed secrets (structurally the vault). */
export interface SecretOpener {
  open(sealed: SealedSecret): string;
}

/** Builds the sink a record describes. */
export type SinkFactory = (record: SinkRecord) => Promise<OutboundSink>;

/** The factory the delivery loop uses: settings validated again (they may predate a change), secrets from the vault. */
export function defaultSinkFactory(store: Store, vault: SecretOpener | null, env: NodeJS.ProcessEnv = process.env): SinkFactory {
  return async (record) => {
    const parsed = parseSinkSettings(record.kind, record.config, `sinks.${record.name}.config`);
    if (parsed.kind === 'syslog') return new SyslogSink(parsed.settings);
    return new WebhookSink(parsed.settings, await signingSecret(record, parsed.settings, { store, vault, env }));
  };
}

interface SecretSources {
  readonly store: Store;
  readonly vault: SecretOpener | null;
  readonly env: NodeJS.ProcessEnv;
}

async function signingSecret(record: SinkRecord, settings: WebhookSettings, sources: SecretSources): Promise<string> {
  const secret = await findSecret(record, settings, sources);
  if (secret === null || secret === '') {
    throw new OstiaryError('OST_CONFIG', `sinks.${record.name}.secret: a webhook needs a signing secret (set through the API, secretEnv or secretFile)`, {
      details: { field: `sinks.${record.name}.secret` },
    });
  }
  return secret;
}

async function findSecret(record: SinkRecord, settings: WebhookSettings, { store, vault, env }: SecretSources): Promise<string | null> {
  if (record.secretId !== null && vault !== null) {
    const current = await store.secrets.current(record.secretId);
    return current ? vault.open(current) : null;
  }
  if (settings.secretEnv) return env[settings.secretEnv] ?? null;
  if (settings.secretFile) return (await readFile(settings.secretFile, 'utf8')).replace(/\r?\n$/, '');
  return null;
}
