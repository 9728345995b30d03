import type { AuditTrail } from '../audit/audit-trail.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { LoginService } from '../auth/login-service.js';
import type { PasswordHashParameters } from '../auth/password-hash.js';
import type { SealedSecret } from '../domain/index.js';
import type { Store } from '../store/store.js';

/** The store as the API uses it. */
export type ApiStore = Store;

/** The vault as the API needs it (structurally `Vault`): seal on write, open only in the reveal. */
export interface SecretSealer {
  seal(plaintext: string): SealedSecret;
  open(sealed: SealedSecret): string;
}

/** Settings fixed when the server is built. */
export interface ApiSettings {
  /** @defaultValue 8 hours */
  readonly sessionTtlMs: number;
  /** Cookies get `Secure` when the request came over TLS; `true` forces it (behind a TLS proxy). @defaultValue false */
  readonly forceSecureCookies: boolean;
  /** scrypt cost for new password hashes; tests lower it. */
  readonly passwordHash: PasswordHashParameters;
}

/** What every route plugin is built with. */
export interface ApiContext {
  readonly store: ApiStore;
  readonly vault: SecretSealer;
  readonly audit: AuditTrail;
  readonly authenticator: Authenticator;
  readonly logins: LoginService;
  readonly now: () => number;
  readonly settings: ApiSettings;
}
