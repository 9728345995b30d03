import type { Argument, Diagnostic } from '../ast.js';
import { literalTextOf, masksOf, sourceTextOf } from '../mask-segments.js';
import { isSecretMask } from '../masks.js';
import { diagnostic } from '../parse-result.js';
import { isSendStep } from '../ssh/ssh-program.js';
import type { LintRule } from './lint-rule.js';

/** Text a shell reads as syntax: a pipe, a list, a redirection, a substitution. */
const SHELL_SYNTAX = /[|;&<>`]|\$\(/;

/** Programs that, given a secret on their command line, show it in `ps` and shell history. */
const SHELL_PROGRAMS = new Set([
  'bash', 'chpasswd', 'curl', 'echo', 'expect', 'htpasswd', 'ldappasswd', 'mysql', 'mysqladmin', 'net',
  'openssl', 'passwd', 'perl', 'printf', 'psql', 'python', 'python3', 'sh', 'smbpasswd', 'sshpass', 'su',
  'sudo', 'usermod', 'wget',
]);

/**
 * A secret mask on a command line lands in shell history and in `ps` on the target.
 * - SSH: a line that is only secret masks answers a prompt (`exec "[#NEW_PASSWORD#]"` after
 *   `passwd` asks) and is fine. Secret plus shell syntax or a known Unix program
 *   (`echo [#NEW_PASSWORD#] | chpasswd`) is an error. Secret plus other text is a warning:
 *   it is right on a network device CLI (`username admin secret [#NEW_PASSWORD#]`) but would
 *   leak on a Unix shell, and only the author knows which the target is.
 * - local: every line is a shell command on the Ostiary host itself, so any secret is an error.
 * - postgres, mysql, http: nothing runs in a shell. The SQL parser already refuses a secret
 *   outside a string literal (`secret-mask-as-identifier`), the HTTP parser warns of one in
 *   a URL (`secret-in-url`).
 */
export const secretInShell: LintRule = ({ program }) => {
  switch (program.kind) {
    case 'ssh-program':
      return program.steps.filter(isSendStep).flatMap((step) => {
        const name = secretMasks(step.text)[0];
        if (!name || literalTextOf(step.text).trim() === '') return [];
        return [sshSecret(name, step.text)];
      });
    case 'local-program':
      return program.lines.flatMap((line) => secretMasks(line.text).slice(0, 1).map((name) => localSecret(name, line.text)));
    case 'sql-program':
    case 'http-program':
      return [];
  }
};

function secretMasks(argument: Argument): string[] {
  return masksOf(argument).map((mask) => mask.name).filter(isSecretMask);
}

function localSecret(name: string, argument: Argument): Diagnostic {
  const message = `[#${name}#] in a shell command line would show in the process list (ps) of the Ostiary host; the local dialect cannot send a secret privately`;
  return diagnostic('error', 'secret-in-shell', message, argument.loc);
}

function sshSecret(name: string, argument: Argument): Diagnostic {
  if (looksLikeShell(argument)) {
    const message = `[#${name}#] inside a shell command line lands in shell history and ps on the target; send it alone as the answer to a prompt (exec "[#${name}#]")`;
    return diagnostic('error', 'secret-in-shell', message, argument.loc);
  }
  const message = `[#${name}#] is sent with other text: fine on a device CLI, but on a Unix shell it lands in history and ps; prefer answering a prompt with exec "[#${name}#]"`;
  return diagnostic('warning', 'secret-in-shell', message, argument.loc);
}

function looksLikeShell(argument: Argument): boolean {
  if (SHELL_SYNTAX.test(literalTextOf(argument))) return true;
  const firstWord = sourceTextOf(argument).trim().split(/\s+/)[0] ?? '';
  const program = firstWord.slice(firstWord.lastIndexOf('/') + 1).toLowerCase();
  return SHELL_PROGRAMS.has(program);
}
