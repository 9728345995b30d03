import { homedir } from 'node:os';

/** The search path every line gets; the host's own PATH is not inherited. */
export const LOCAL_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The whole environment of a line's shell: PATH, HOME and LANG=C, nothing inherited, so no
 * variable of the Ostiary process (a master key, a database URL) ever reaches a template.
 */
export function minimalEnvironment(home: string = homedir()): NodeJS.ProcessEnv {
  return { PATH: LOCAL_PATH, HOME: home, LANG: 'C' };
}
