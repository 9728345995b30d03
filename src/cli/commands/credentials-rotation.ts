import { Option } from 'commander';
import type { Command } from 'commander';
import { CREDENTIAL_SYNC_STATES, validationError } from '../../domain/index.js';
import { connectClient } from '../client/client-session.js';
import { printJson, printRecord, printRows } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { integerOption } from '../option-parsers.js';
import { idOrNone, jsonObjectOption, printBulk, requestRotation, rotationColumns } from './rotation-client.js';
import type { BulkView, RotationView } from './rotation-client.js';

interface SetFlags extends OutputFlags {
  readonly profile?: string;
  readonly changeTemplate?: string;
  readonly verifyTemplate?: string;
  readonly reconcileTemplate?: string;
  readonly executor?: string;
  readonly policy?: Record<string, unknown>;
  readonly executorConfig?: Record<string, unknown>;
  readonly parent?: string;
  readonly reconcileCredential?: string;
}

interface RotateFlags extends OutputFlags {
  readonly device?: string;
  readonly state?: string;
  readonly profile?: string;
}

/**
 * `ostiary credentials rotate|verify|reconcile` and `ostiary credentials rotation …`: rotation
 * through `/api/v1` (docs/rotation.md). Nothing here prints or sends a secret.
 */
export function registerCredentialRotation(credentials: Command): void {
  credentials.command('rotate [ids...]').description('request a password change now (one id, many ids, or a filter); exit code 1 when any is refused')
    .option('--device <id>', 'every rotating credential of this device').addOption(new Option('--state <state>', 'every rotating credential in this sync state').choices(CREDENTIAL_SYNC_STATES))
    .option('--profile <id>', 'every credential configured from this profile').option('--json', 'print JSON')
    .action(async (ids: string[], flags: RotateFlags) => {
      const filter = { deviceId: flags.device, syncState: flags.state, profileId: flags.profile };
      const hasFilter = Object.values(filter).some((value) => value !== undefined);
      if (hasFilter === (ids.length > 0)) throw validationError('ids', 'give credential ids or a filter (--device, --state, --profile), not both');
      const client = await connectClient();
      if (ids.length === 1) return requestRotation(client, ids[0]!, 'rotate', flags);
      printBulk(flags, await client.send<BulkView>('POST', '/rotations', hasFilter ? { filter } : { credentialIds: ids }));
    });

  for (const [name, description] of [['verify', 'request a verify: probe the passwords and settle a pending one'], ['reconcile', 'request a reconcile through the reconciliation credential']] as const) {
    credentials.command(`${name} <id>`).description(description).option('--json', 'print JSON')
      .action(async (id: string, flags: OutputFlags) => requestRotation(await connectClient(), id, name, flags));
  }

  const rotation = credentials.command('rotation').description('show and set a credential’s rotation settings, state and history');

  rotation.command('show <id>').description('rotation state: sync state, versions, active and last rotation, next due, settings').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags) => {
      const state = await (await connectClient()).get<Record<string, unknown>>(`/credentials/${id}/rotation`);
      if (flags.json === true) return printJson(state);
      const active = state.activeRotation as RotationView | null;
      const last = state.lastRotation as RotationView | null;
      printRecord(flags, {
        credential: state.credentialId, syncState: state.syncState, configured: state.configured, parent: state.parentId, reconcileCredential: state.reconcileCredentialId,
        currentVersion: state.currentVersion, pendingVersion: state.pendingVersion,
        activeRotation: active ? `${active.kind} ${active.phase} (${active.id})` : null,
        lastRotation: last ? `${last.kind} ${last.phase}${last.errorCode ? ` ${last.errorCode}` : ''} at ${last.finishedAt ?? last.createdAt}` : null,
        nextDueAt: state.nextDueAt, settings: state.settings,
      });
    });

  rotation.command('set <id>').description('set the rotation settings (given fields win over the profile’s) and/or the parent and reconciliation credential (with only --parent/--reconcile-credential, the settings stay)')
    .option('--profile <id>', 'take policy and templates from this profile').option('--change-template <id>', 'password_change template')
    .option('--verify-template <id|none>', 'verify template, or none').option('--reconcile-template <id|none>', 'reconcile template, or none')
    .option('--executor <name>', 'default: the change template’s').option('--policy <json>', 'rotation policy, e.g. \'{"changeEveryDays":30}\'', jsonObjectOption('--policy'))
    .option('--executor-config <json>', 'the executor’s settings for this credential', jsonObjectOption('--executor-config'))
    .option('--parent <id|none>', 'the parent credential (its committed change starts this one’s), or none')
    .option('--reconcile-credential <id|none>', 'the credential of the same device a reconcile logs in with, or none').option('--json', 'print JSON')
    .action(async (id: string, flags: SetFlags) => {
      const body = {
        profileId: flags.profile, changeTemplateId: flags.changeTemplate, executor: flags.executor, policy: flags.policy, executorConfig: flags.executorConfig,
        verifyTemplateId: flags.verifyTemplate === undefined ? undefined : idOrNone(flags.verifyTemplate),
        reconcileTemplateId: flags.reconcileTemplate === undefined ? undefined : idOrNone(flags.reconcileTemplate),
        parentId: flags.parent === undefined ? undefined : idOrNone(flags.parent),
        reconcileCredentialId: flags.reconcileCredential === undefined ? undefined : idOrNone(flags.reconcileCredential),
      };
      const state = await (await connectClient()).send<{ settings: Record<string, unknown> | null; parentId: string | null; reconcileCredentialId: string | null }>('PUT', `/credentials/${id}/rotation`, body);
      if (flags.json === true) return printJson(state);
      printRecord(flags, { parent: state.parentId, reconcileCredential: state.reconcileCredentialId, ...(state.settings ?? { settings: null }) });
    });

  rotation.command('unset <id>').description('remove the rotation settings (the credential no longer rotates)')
    .action(async (id: string) => {
      await (await connectClient()).send('DELETE', `/credentials/${id}/rotation`);
      console.log(`rotation settings of credential ${id} removed`);
    });

  rotation.command('history <id>').description('secret versions (states and times, never values) and rotations, newest first')
    .option('--limit <n>', 'rotations per page', integerOption('--limit', 1), 50).option('--after <cursor>', 'next page').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags & { limit: number; after?: string }) => {
      const history = await (await connectClient()).get<{ versions: { version: number; state: string; createdAt: string }[]; rotations: RotationView[]; next: string | null }>(`/credentials/${id}/rotation/history`, { limit: flags.limit, after: flags.after });
      if (flags.json === true) return printJson(history);
      printRows(flags, history.versions, { VERSION: (v) => String(v.version), STATE: (v) => v.state, CREATED: (v) => v.createdAt.replace(/\.\d{3}Z$/, 'Z') }, 'no versions');
      console.log('');
      printRows(flags, history.rotations, rotationColumns, 'no rotations yet');
      if (history.next !== null) console.log(`more: --after ${history.next}`);
    });
}
