import type { Command } from 'commander';
import { openAuditTrail } from '../../audit/open-audit-trail.js';
import type { ChainVerification } from '../../audit/chain-verifier.js';
import { OstiaryError } from '../../domain/index.js';
import { withStore } from '../cli-store.js';
import { connectClient } from '../client/client-session.js';
import { printJson, printRows, shortTime } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { configOf } from '../global-options.js';
import { integerOption } from '../option-parsers.js';

interface VerificationView {
  readonly ok: boolean;
  readonly eventsChecked: number;
  readonly head: { seq: number; hash: string } | null;
  readonly checkpoint: { seq: number; hash: string } | null;
  readonly broken: { seq: number; reason: string; message: string } | null;
}

interface EventView {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly actorName: string | null;
  readonly action: string;
  readonly objectType: string | null;
  readonly objectId: string | null;
  readonly reason: string | null;
  readonly sourceAddress: string | null;
}

/**
 * `ostiary audit verify` walks the hash chain and checks it against the signed checkpoint;
 * it reads the database and the data directory directly, unless `--api` is given or
 * OSTIARY_URL is set (and neither `--db` nor `--data-dir`), then it asks `GET /api/v1/audit/verify`. `ostiary audit events`
 * queries events through the API.
 */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('verify and query the audit trail');

  audit.command('verify').description('check every audit event and the signed checkpoint; exits 1 at the first broken link')
    .option('--api', 'ask the API (OSTIARY_URL or `ostiary login`) instead of reading the database').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & { api?: boolean }, cmd: Command) => {
      const viaApi = flags.api === true || (!hasLocalOptions(cmd) && (process.env.OSTIARY_URL ?? '') !== '');
      const result = viaApi ? await (await connectClient()).get<VerificationView>('/audit/verify') : await verifyLocally(cmd);
      report(flags, result);
    });

  audit.command('events').description('query audit events, newest first (API)')
    .option('--actor <actor>').option('--action <action>').option('--object-type <type>').option('--object-id <id>')
    .option('--from <time>', 'ISO 8601 or epoch ms').option('--to <time>', 'ISO 8601 or epoch ms')
    .option('--limit <n>', 'page size', integerOption('--limit', 1), 50).option('--after <cursor>', 'next page').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & Record<string, string | number | boolean | undefined>) => {
      const { actor, action, objectType, objectId, from, to, limit, after } = flags;
      const page = await (await connectClient()).get<{ items: EventView[]; next: string | null }>('/audit/events', { actor, action, objectType, objectId, from, to, limit, after } as Record<string, string | number | undefined>);
      if (flags.json === true) return printJson(page);
      printRows(flags, page.items, {
        SEQ: (e) => String(e.seq), AT: (e) => shortTime(e.at), ACTOR: (e) => e.actorName ?? e.actor, ACTION: (e) => e.action,
        OBJECT: (e) => [e.objectType, e.objectId].filter(Boolean).join(' '), REASON: (e) => e.reason ?? '', FROM: (e) => e.sourceAddress ?? '',
      }, 'no events');
      if (page.next !== null) console.log(`more: --after ${page.next}`);
    });
}

function hasLocalOptions(cmd: Command): boolean {
  const options = cmd.optsWithGlobals<{ db?: string; dataDir?: string }>();
  return options.db !== undefined || options.dataDir !== undefined;
}

async function verifyLocally(cmd: Command): Promise<ChainVerification> {
  const config = configOf(cmd);
  return withStore(config, async (store) => (await openAuditTrail({ log: store.audit, dataDir: config.dataDir })).verify());
}

function report(flags: OutputFlags, result: VerificationView | ChainVerification): void {
  if (flags.json === true) printJson(result);
  else if (result.ok) console.log(`audit chain intact: ${result.eventsChecked} events, head ${result.head?.seq ?? 0}, checkpoint ${result.checkpoint?.seq ?? 'none'}`);
  if (result.broken !== null) {
    const { seq, reason, message } = result.broken;
    throw new OstiaryError('OST_AUDIT_BROKEN', `audit chain broken at event ${seq} (${reason}): ${message}`, { details: { seq, reason } });
  }
}
