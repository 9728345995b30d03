/**
 * The fan-out task in Ostiary's SSH dialect: wait for the shell prompt, run `echo hi`, and
 * wait for its output *line* — a plain `expect "hi"` would already match the PTY's echo of
 * the command itself.
 */
export const ECHO_TEMPLATE = 'expect "*$"\nexec "echo hi"\nexpect-regex "/^hi\\r?$/m"\nend\n';
