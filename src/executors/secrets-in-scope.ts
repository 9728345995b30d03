import { isSecretMask } from '../templates/index.js';
import { createRedactor } from '../vault/index.js';
import type { Redactor } from '../vault/index.js';
import type { ExecutionContext } from './executor.js';

/**
 * The secrets an executor knows it holds in one attempt: secret masks and the login's
 * password, key and passphrase. The engine redacts every secret of the operation again
 * (custom secret fields included); this is a second guard for what an executor builds
 * from a server's words, such as an error that quotes the failing statement.
 */
export function secretsInScope(context: Pick<ExecutionContext, 'masks' | 'login'>): string[] {
  const masks = Object.entries(context.masks).filter(([name]) => isSecretMask(name)).map(([, value]) => value);
  const login = context.login;
  const fromLogin = [login?.password, login?.privateKey, login?.passphrase].filter((value): value is string => typeof value === 'string');
  return [...masks, ...fromLogin].filter((value) => value.length > 0);
}

/** A redactor for {@link secretsInScope}. */
export function redactorInScope(context: Pick<ExecutionContext, 'masks' | 'login'>): Redactor {
  return createRedactor(secretsInScope(context));
}
