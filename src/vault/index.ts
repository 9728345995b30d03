/**
 * The vault (DESIGN.md §7, docs/vault.md): envelope encryption of secrets under a master key,
 * the master key's files and rekey, the password generator and the redactor.
 */
export { openVault, Vault, type OpenVaultOptions, type WrappedDataKey } from './vault.js';
export type { KeyDescription, KeyRole, KeySource } from './keyring.js';
export { MASTER_KEY_ENV, type KeyringOptions } from './load-keyring.js';
export { rekey, NEW_MASTER_KEY_ENV, type RekeyOptions, type RekeyResult, type RekeyStep } from './rekey.js';
export { vaultStatus, type KeyUsage, type VaultStatus, type VaultStatusOptions } from './vault-status.js';
export { discardPreviousKey, type DiscardPreviousKeyOptions } from './discard-previous-key.js';
export type { WrappedKeyRecord, WrappedKeyStore } from './wrapped-key-store.js';
export {
  characterPools,
  DEFAULT_PASSWORD_POLICY,
  DEFAULT_SYMBOL_SET,
  MAX_PASSWORD_LENGTH,
  parsePasswordPolicy,
  type PasswordPolicy,
  type PasswordPolicyInput,
} from './password-policy.js';
export { generatePassword } from './password-generator.js';
export { createRedactor, REDACTION_MARKER, type Redactor, type StreamingRedactor } from './redactor.js';
