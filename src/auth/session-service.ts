import type { SessionRecord, SessionRepository } from '../store/access-store.js';
import { csrfTokenFor, hashSecretToken, newSecretToken, SESSION_PREFIX } from './secret-token.js';

/** A new console session: the cookie value and its CSRF token are shown to the browser only. */
export interface IssuedSession {
  readonly record: SessionRecord;
  /** Goes in the HttpOnly cookie; only its hash is stored. */
  readonly sessionToken: string;
  /** The browser sends it back in `x-csrf-token` on every state-changing request. */
  readonly csrfToken: string;
}

/** @defaultValue 8 hours: a working day, after which the console asks for the password again. */
export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60_000;

export async function issueSession(
  sessions: SessionRepository,
  userId: string,
  sourceAddress: string | null,
  expiresAt: number,
): Promise<IssuedSession> {
  const sessionToken = newSecretToken(SESSION_PREFIX);
  const record = await sessions.create({ userId, tokenHash: hashSecretToken(sessionToken), expiresAt, sourceAddress });
  return { record, sessionToken, csrfToken: csrfTokenFor(sessionToken) };
}
