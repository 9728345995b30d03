import { userInfo } from 'node:os';

/** Who is acting from this command line, as recorded in requester and actor fields. */
export function operatorName(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}
