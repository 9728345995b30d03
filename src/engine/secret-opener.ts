import type { SealedSecret } from '../domain/index.js';

/**
 * What the engine needs from the vault: opening a sealed value. The vault's `Vault` fits
 * structurally; the engine calls it only while it builds an attempt's execution context.
 */
export interface SecretOpener {
  open(sealed: SealedSecret): string;
}
