import type { Command } from 'commander';
import {
  discardPreviousKey,
  NEW_MASTER_KEY_ENV,
  rekey,
  vaultStatus,
  type RekeyResult,
  type VaultStatus,
} from '../../vault/index.js';
import { withStore } from '../cli-store.js';
import { configOf } from '../global-options.js';
import { formatTable } from '../text-table.js';

/**
 * `ostiary vault status | rekey | discard-old-key` (docs/vault.md). Nothing here ever prints
 * key material: only key ids (fingerprints), file paths and counts.
 */
export function registerVaultCommands(program: Command): void {
  const vault = program.command('vault').description('the master key: status, rekey, discard the old key');
  vault
    .command('status')
    .description('key source, key ids, and how many stored values each key id wraps')
    .option('--json', 'print JSON instead of text')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const config = configOf(cmd);
      const status = await withStore(config, (store) => vaultStatus({ ...config, secrets: store.secrets }));
      console.log(flags.json ? JSON.stringify(status, null, 2) : formatStatus(status));
    });
  vault
    .command('rekey')
    .description(`rewrap every data key under a new master key (values untouched); with OSTIARY_MASTER_KEY set, the new key comes from ${NEW_MASTER_KEY_ENV} or --new-key-file`)
    .option('--new-key-file <path>', 'a key file (mode 0600) holding the new key, instead of generating one or reading it from the environment')
    .action(async (flags: { newKeyFile?: string }, cmd: Command) => {
      const config = configOf(cmd);
      const newMasterKey = process.env[NEW_MASTER_KEY_ENV] ?? null;
      const result = await withStore(config, (store) =>
        rekey({ ...config, secrets: store.secrets, newMasterKey, newKeyFile: flags.newKeyFile ?? null }),
      );
      console.log(formatRekey(result, flags.newKeyFile ?? NEW_MASTER_KEY_ENV));
    });
  vault
    .command('discard-old-key')
    .description('delete vault.key.old once no stored value is wrapped under it')
    .action(async (_flags: unknown, cmd: Command) => {
      const config = configOf(cmd);
      const discarded = await withStore(config, (store) => discardPreviousKey({ ...config, secrets: store.secrets }));
      console.log(discarded === null ? 'there is no vault.key.old to discard' : `discarded vault.key.old (key id ${discarded})`);
    });
}

function formatStatus(status: VaultStatus): string {
  const keys = formatTable(['KEY ID', 'ROLE', 'FROM'], status.keys.map((key) => [key.id, key.role, key.origin]));
  const usage =
    status.usage.length === 0
      ? 'no stored values'
      : formatTable(['KEY ID', 'VALUES', ''], status.usage.map((row) => [row.keyId, String(row.values), row.held ? '' : 'NOT HELD: cannot be opened with these keys']));
  const lines = [`key source: ${status.source}`, `current key id: ${status.currentKeyId}`, '', keys, '', usage];
  if (status.interruptedRekey) lines.push('', 'a rekey did not finish (vault.key.new exists): run `ostiary vault rekey` to finish it');
  return lines.join('\n');
}

function formatRekey(result: RekeyResult, newKeyOrigin: string): string {
  const from = result.fromKeyIds.length > 0 ? `from key id ${result.fromKeyIds.join(', ')} ` : '';
  const lines = [
    ...(result.resumed ? ['finished a rekey that had been interrupted (vault.key.new was left by an earlier run)'] : []),
    `rewrapped ${result.rewrapped} data keys ${from}to key id ${result.newKeyId}; ${result.alreadyUnderNewKey} were already under it; no value changed`,
  ];
  return [...lines, ...(result.source === 'file' ? fileNextSteps(result) : environmentNextSteps(result, newKeyOrigin))].join('\n');
}

function fileNextSteps(result: RekeyResult): string[] {
  return [
    `vault.key now holds key id ${result.newKeyId}; the previous key (key id ${result.previousKeyId}) is kept as vault.key.old`,
    'next: restart every Ostiary process that uses this data directory, so it seals under the new key;',
    `then, once \`ostiary vault status\` shows no value under key id ${result.previousKeyId}, remove the old key with \`ostiary vault discard-old-key\``,
  ];
}

function environmentNextSteps(result: RekeyResult, newKeyOrigin: string): string[] {
  return [
    `next: set OSTIARY_MASTER_KEY to the new key (the one from ${newKeyOrigin}, key id ${result.newKeyId}) wherever Ostiary runs, unset ${NEW_MASTER_KEY_ENV}, and restart every process;`,
    `keep the old key (key id ${result.previousKeyId}) until \`ostiary vault status\` shows no value under it; if a process still running on the old key sealed values meanwhile, run this rekey again to move them`,
  ];
}
