import { Option } from 'commander';
import type { Command } from 'commander';
import { CREDENTIAL_KINDS } from '../../domain/index.js';
import { connectClient } from '../client/client-session.js';
import { printJson, printRecord, printRows } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { readSecret } from '../client/secret-input.js';
import { integerOption } from '../option-parsers.js';
import { registerCredentialRotation } from './credentials-rotation.js';

interface CredentialView {
  readonly id: string;
  readonly deviceId: string;
  readonly username: string;
  readonly kind: string;
  readonly hasSecret: boolean;
  readonly syncState: string;
}

interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

interface CreateFlags extends OutputFlags {
  readonly device: string;
  readonly username: string;
  readonly kind?: string;
  readonly domain?: string;
  readonly additionalInfo?: string;
}

const columns = {
  ID: (credential: CredentialView) => credential.id,
  DEVICE: (credential: CredentialView) => credential.deviceId,
  USERNAME: (credential: CredentialView) => credential.username,
  KIND: (credential: CredentialView) => credential.kind,
  SECRET: (credential: CredentialView) => (credential.hasSecret ? 'set' : 'none'),
  STATE: (credential: CredentialView) => credential.syncState,
};


/** What a reveal says about the change after it (docs/rotation.md); never a secret. */
interface RevealRotationView {
  readonly requested: boolean;
  readonly rotationId: string | null;
  readonly refusal: { readonly code: string; readonly message: string } | null;
}

/**
 * `ostiary credentials …`: a client of `/api/v1/credentials`. Secrets are read from a hidden
 * prompt or standard input, never from an argument; `reveal` prints one (audited, with a reason).
 * Rotation requests and settings (`rotate`, `verify`, `reconcile`, `rotation …`) are in
 * `credentials-rotation.ts`.
 */
export function registerCredentials(program: Command): void {
  const credentials = program.command('credentials').description('list and manage credentials through the API');

  credentials.command('list').description('list credentials').option('--device <id>', 'only this device’s').option('--limit <n>', 'page size', integerOption('--limit', 1), 50).option('--after <cursor>', 'next page').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & { device?: string; limit: number; after?: string }) => {
      const query = flags.device === undefined ? { limit: flags.limit, after: flags.after } : { deviceId: flags.device };
      const page = await (await connectClient()).get<Page<CredentialView>>('/credentials', query);
      if (flags.json === true) return printJson(page);
      printRows(flags, page.items, columns, 'no credentials');
      if (page.next !== null) console.log(`more: --after ${page.next}`);
    });

  credentials.command('show <id>').description('show a credential (never its secret)').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags) => printRecord(flags, { ...(await (await connectClient()).get<CredentialView>(`/credentials/${id}`)) }));

  credentials.command('create').description('register a credential; the secret is prompted for or read from stdin')
    .requiredOption('--device <id>', 'device id').requiredOption('--username <name>', 'account name')
    .addOption(new Option('--kind <kind>', 'secret kind').choices(CREDENTIAL_KINDS))
    .option('--domain <domain>').option('--additional-info <text>').option('--json', 'print JSON')
    .action(async (flags: CreateFlags) => {
      const client = await connectClient();
      const secret = await readSecret(`Secret for ${flags.username}: `, 'secret');
      const body = { deviceId: flags.device, username: flags.username, kind: flags.kind, domain: flags.domain, additionalInfo: flags.additionalInfo, secret };
      printRecord(flags, { ...(await client.send<CredentialView>('POST', '/credentials', body)) });
    });

  credentials.command('set-secret <id>').description('set the current secret (prompted for or read from stdin)')
    .action(async (id: string) => {
      const client = await connectClient();
      await client.send('PUT', `/credentials/${id}/secret`, { secret: await readSecret('New secret: ', 'secret') });
      console.log(`secret of credential ${id} replaced`);
    });

  credentials.command('reveal <id>').description('print the current secret (needs credential:reveal; audited)')
    .requiredOption('--reason <text>', 'why you need it; recorded in the audit trail').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags & { reason: string }) => {
      const revealed = await (await connectClient()).send<{ secret: string; auditSeq: number; rotation?: RevealRotationView | null }>('POST', `/credentials/${id}/reveal`, { reason: flags.reason });
      if (flags.json === true) return printJson(revealed);
      console.log(revealed.secret);
      // On stderr: standard output stays the bare secret, for scripts.
      if (revealed.rotation?.requested === true) console.error(`the policy changes this password after a reveal: rotation ${revealed.rotation.rotationId ?? ''} requested`);
      else if (revealed.rotation?.refusal) console.error(`the policy asks for a change after a reveal, but it was refused: ${revealed.rotation.refusal.code}: ${revealed.rotation.refusal.message}`);
    });

  credentials.command('delete <id>').description('delete a credential')
    .action(async (id: string) => {
      await (await connectClient()).send('DELETE', `/credentials/${id}`);
      console.log(`deleted credential ${id}`);
    });

  registerCredentialRotation(credentials);
}
