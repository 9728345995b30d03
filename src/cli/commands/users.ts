import type { Command } from 'commander';
import { openAuditTrail } from '../../audit/open-audit-trail.js';
import { ROLES } from '../../auth/permissions.js';
import { createLocalUser, generateInitialPassword } from '../../auth/user-service.js';
import { OstiaryError } from '../../domain/index.js';
import type { Store } from '../../store/store.js';
import { openConfiguredStore } from '../cli-store.js';
import { connectClient } from '../client/client-session.js';
import { printRecord, printRows, shortTime } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { readSecret } from '../client/secret-input.js';
import { configOf } from '../global-options.js';

interface UserView {
  readonly id: string;
  readonly username: string;
  readonly roles: readonly string[];
  readonly disabled: boolean;
  readonly createdAt: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `ostiary users …`. `create-admin` works on the database directly (like `migrate`): it is
 * how the first admin comes to be, before anyone can log in. The rest are API clients.
 */
export function registerUsers(program: Command): void {
  const users = program.command('users').description('local users: the first admin, then management through the API');

  users.command('create-admin').description('create the first admin directly in the database; prints a generated password once')
    .option('--username <name>', 'user name', 'admin')
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .action(async (flags: { username: string; passwordStdin?: boolean }, cmd: Command) => {
      const config = configOf(cmd);
      const store = await openConfiguredStore(config, { migrate: true });
      try {
        await createFirstAdmin(store, config.dataDir, flags);
      } finally {
        await store.close();
      }
    });

  users.command('list').description('list users (API)').option('--json', 'print JSON')
    .action(async (flags: OutputFlags) => {
      const page = await (await connectClient()).get<{ items: UserView[] }>('/users', { limit: 200 });
      printRows(flags, page.items, { ID: (u) => u.id, USERNAME: (u) => u.username, ROLES: (u) => u.roles.join(','), DISABLED: (u) => (u.disabled ? 'yes' : ''), CREATED: (u) => shortTime(u.createdAt) }, 'no users');
    });

  users.command('create <username>').description(`create a user (API); roles: ${ROLES.join(', ')}; password prompted or read from stdin`)
    .requiredOption('--role <role>', 'a role (repeatable)', collect).option('--json', 'print JSON')
    .action(async (username: string, flags: OutputFlags & { role: string[] }) => {
      const client = await connectClient();
      const password = await readSecret(`Password for ${username}: `, 'password');
      printRecord(flags, { ...(await client.send<UserView>('POST', '/users', { username, password, roles: flags.role })) });
    });

  users.command('update <id>').description('change roles, or disable / enable a user (API)')
    .option('--role <role>', 'the new roles (repeatable)', collect).option('--disable').option('--enable').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags & { role?: string[]; disable?: boolean; enable?: boolean }) => {
      const disabled = flags.disable === true ? true : flags.enable === true ? false : undefined;
      printRecord(flags, { ...(await (await connectClient()).send<UserView>('PATCH', `/users/${id}`, { roles: flags.role, disabled })) });
    });

  users.command('reset-password <id>').description('set a user’s password (API); prompted or read from stdin')
    .action(async (id: string) => {
      const client = await connectClient();
      await client.send('POST', `/users/${id}/password`, { password: await readSecret('New password: ', 'password') });
      console.log(`password of user ${id} set; their sessions were ended`);
    });

  users.command('unlock <id>').description('lift a lockout after failed logins (API)')
    .action(async (id: string) => {
      await (await connectClient()).send('POST', `/users/${id}/unlock`);
      console.log(`user ${id} unlocked`);
    });
}

/**
 * Refuses when an active admin exists: after the first one, admins are made through the API,
 * where it is authenticated and audited with a person as the actor.
 */
async function createFirstAdmin(store: Store, dataDir: string, flags: { username: string; passwordStdin?: boolean }): Promise<void> {
  const existing = await store.users.list({ limit: 1000 });
  if (existing.items.some((user) => user.roles.includes('admin') && !user.disabled)) {
    throw new OstiaryError('OST_CONFLICT', 'an admin exists already; log in as that admin and create users through the API', { details: { field: 'username' } });
  }
  const generated = flags.passwordStdin !== true;
  const password = generated ? generateInitialPassword() : await readSecret('Password: ', 'password');
  const user = await createLocalUser(store.users, { username: flags.username, password, roles: ['admin'] });
  const audit = await openAuditTrail({ log: store.audit, dataDir });
  await audit.record({ actor: 'system:cli', action: 'user.create_admin', objectType: 'user', objectId: user.id, changes: { username: user.username, roles: ['admin'] } });
  console.log(`created admin ${user.username} (${user.id})`);
  // The one place a password is printed: the operator asked for it, on their terminal, once.
  if (generated) console.log(`password: ${password}\nIt is shown only now; log in with \`ostiary login --username ${user.username}\` and change it.`);
}
