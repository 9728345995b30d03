import { Option } from 'commander';
import type { Command } from 'commander';
import { CREDENTIAL_KINDS } from '../../domain/index.js';
import { connectClient } from '../client/client-session.js';
import { printRecord, printRows } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { jsonObjectOption } from './rotation-client.js';

interface ProfileView {
  readonly id: string;
  readonly name: string;
  readonly criteria: Record<string, string | null>;
  readonly executor: string | null;
  readonly changeTemplateId: string | null;
}

interface ProfileFlags extends OutputFlags {
  readonly name: string;
  readonly deviceType?: string;
  readonly vendor?: string;
  readonly model?: string;
  readonly credentialKind?: string;
  readonly policy?: Record<string, unknown>;
  readonly executor?: string;
  readonly changeTemplate?: string;
  readonly verifyTemplate?: string;
  readonly reconcileTemplate?: string;
}

const columns = {
  ID: (profile: ProfileView) => profile.id,
  NAME: (profile: ProfileView) => profile.name,
  CRITERIA: (profile: ProfileView) => Object.entries(profile.criteria).filter(([, value]) => value !== null).map(([key, value]) => `${key}=${value}`).join(' ') || '(any)',
  EXECUTOR: (profile: ProfileView) => profile.executor ?? '',
  'CHANGE TEMPLATE': (profile: ProfileView) => profile.changeTemplateId ?? '',
};

/** `ostiary rotation profiles …`: a client of `/api/v1/rotation/profiles` (docs/rotation.md). */
export function registerRotation(program: Command): void {
  const rotation = program.command('rotation').description('rotation profiles through the API (credential rotation itself: `ostiary credentials rotate|rotation`)');
  const profiles = rotation.command('profiles').description('list and manage rotation profiles (policy and templates applied by criteria)');

  profiles.command('list').description('list profiles, oldest first').option('--json', 'print JSON')
    .action(async (flags: OutputFlags) => {
      const page = await (await connectClient()).get<{ items: ProfileView[] }>('/rotation/profiles');
      printRows(flags, page.items, columns, 'no rotation profiles');
    });

  profiles.command('show <id>').description('show a profile').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags) => printRecord(flags, { ...(await (await connectClient()).get<Record<string, unknown>>(`/rotation/profiles/${id}`)) }));

  withProfileOptions(profiles.command('create').description('create a profile'))
    .action(async (flags: ProfileFlags) => printRecord(flags, { ...(await (await connectClient()).send<Record<string, unknown>>('POST', '/rotation/profiles', profileBody(flags))) }));

  withProfileOptions(profiles.command('update <id>').description('replace a profile (every field; credentials configured from it keep their settings)'))
    .action(async (id: string, flags: ProfileFlags) => printRecord(flags, { ...(await (await connectClient()).send<Record<string, unknown>>('PUT', `/rotation/profiles/${id}`, profileBody(flags))) }));

  profiles.command('delete <id>').description('delete a profile')
    .action(async (id: string) => {
      await (await connectClient()).send('DELETE', `/rotation/profiles/${id}`);
      console.log(`deleted rotation profile ${id}`);
    });
}

function withProfileOptions(command: Command): Command {
  return command.requiredOption('--name <name>', 'unique name')
    .option('--device-type <type>', 'criterion: device type').option('--vendor <vendor>', 'criterion: vendor').option('--model <model>', 'criterion: model')
    .addOption(new Option('--credential-kind <kind>', 'criterion: credential kind').choices(CREDENTIAL_KINDS))
    .option('--policy <json>', 'rotation policy, e.g. \'{"changeEveryDays":30}\'', jsonObjectOption('--policy'))
    .option('--executor <name>', 'executor of the templates').option('--change-template <id>', 'password_change template')
    .option('--verify-template <id>', 'verify template').option('--reconcile-template <id>', 'reconcile template')
    .option('--json', 'print JSON');
}

function profileBody(flags: ProfileFlags): Record<string, unknown> {
  return {
    name: flags.name,
    criteria: { deviceType: flags.deviceType ?? null, vendor: flags.vendor ?? null, model: flags.model ?? null, credentialKind: flags.credentialKind ?? null },
    policy: flags.policy,
    executor: flags.executor ?? null,
    changeTemplateId: flags.changeTemplate ?? null,
    verifyTemplateId: flags.verifyTemplate ?? null,
    reconcileTemplateId: flags.reconcileTemplate ?? null,
  };
}
