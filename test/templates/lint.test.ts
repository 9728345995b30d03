import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOstiaryError } from '../../src/domain/index.js';
import type { TemplateType } from '../../src/domain/index.js';
import { assertTemplateSavable, formatDiagnostic, lintTemplate } from '../../src/templates/index.js';
import type { TemplateDialect } from '../../src/templates/index.js';

/** `rule severity line:column` for each finding, in source order. */
function findings(source: string, dialect: TemplateDialect = 'ssh', type?: TemplateType): string[] {
  return lintTemplate(source, { dialect, type }).map((entry) => `${entry.rule} ${entry.severity} ${entry.loc.line}:${entry.loc.column}`);
}

const LINUX_PASSWD = [
  'expect "*$"',
  'exec "passwd"',
  'expect "*urrent*assword:"',
  'exec "[#CURRENT_PASSWORD#]"',
  'expect "*ew*assword:"',
  'exec "[#NEW_PASSWORD#]"',
  'expect "*etype*ew*assword:"',
  'exec "[#NEW_PASSWORD#]"',
  'expect "*updated successfully*"',
  'end',
];

describe('lint: the example templates', () => {
  it('finds nothing in the passwd example as a password change', () => {
    assert.deepEqual(findings(LINUX_PASSWD.join('\n'), 'ssh', 'password_change'), []);
  });

  it('only warns that SERVICE must come from a task variable in the restart example', () => {
    const source = '# Restart a service\nset-read-timeout 15\nexpect "*$"\nexec "sudo service [#SERVICE#] restart"\nexpect "*$"\nend\n';
    assert.deepEqual(findings(source, 'ssh', 'task'), ['unknown-mask warning 4:20']);
    assert.deepEqual(findings(`#@var SERVICE "[a-z0-9_.-]+" "Service"\n${source}`, 'ssh', 'task'), []);
  });
});

describe('lint: syntax rules come with line and column', () => {
  it('unknown command, with a suggestion', () => {
    const [entry] = lintTemplate('expect "x"\n  sleeep 1', { dialect: 'ssh' });
    assert.deepEqual(entry?.loc, { line: 2, column: 3 });
    assert.match(entry?.message ?? '', /did you mean sleep\?/);
  });

  it('a missing closing quote is a warning and the lines after it are still checked', () => {
    assert.deepEqual(findings('exec "ls\nexce "x"'), ['unclosed-quote warning 1:6', 'unknown-command error 2:1']);
  });

  it('invalid regex, numbers out of range, lines after end', () => {
    assert.deepEqual(findings('expect-regex "/(/"\nset-read-timeout 999999\nend\nexec "x"'), [
      'invalid-regex error 1:16',
      'number-out-of-range error 2:18',
      'after-end warning 4:1',
    ]);
  });
});

describe('lint: masks', () => {
  it('built-in and declared masks raise nothing; others are a warning at the mask', () => {
    assert.deepEqual(findings('exec "[#USERNAME#]@[#HOSTNAME#]:[#CONNECT_PORT#]"'), []);
    assert.deepEqual(findings('exec "[#USERNAME#] [#TICKET#]"'), ['unknown-mask warning 1:20']);
    assert.deepEqual(findings('#@var TICKET "[A-Z]+-[0-9]+"\nexec "[#TICKET#]"'), []);
  });

  it('a declared variable no mask uses is a warning', () => {
    assert.deepEqual(findings('#@var TIKCET "x"\nexec "[#TICKET#]"'), ['unused-declaration warning 1:1', 'unknown-mask warning 2:7']);
  });

  it('password masks in a task template are a warning', () => {
    assert.deepEqual(findings('expect "*"\nexec "[#NEW_PASSWORD#]"\nexpect "*"', 'ssh', 'task'), ['password-mask-in-task warning 2:7']);
    assert.deepEqual(findings('expect "*"\nexec "[#AUTH_PASSWORD#]"\nexpect "*"', 'ssh', 'task'), []);
  });
});

describe('lint: secret in a shell command line', () => {
  it('a secret alone answers a prompt: fine', () => {
    assert.deepEqual(findings('exec "[#NEW_PASSWORD#]"\nwrite "  [#CURRENT_PASSWORD#]"\nexec "[#AUTH_PASSWORD#][#NEW_PASSWORD#]"'), []);
  });

  it('a secret with shell syntax or a Unix program is an error', () => {
    for (const line of [
      'exec "echo [#NEW_PASSWORD#] | chpasswd"',
      'exec "echo \'[#USERNAME#]:[#NEW_PASSWORD#]\' | sudo chpasswd"',
      'exec "mysql -uroot -p[#CURRENT_PASSWORD#] -e \'select 1\'"',
      'write "/usr/bin/sshpass -p [#AUTH_PASSWORD#] ssh x"',
      'exec "x=[#NEW_PASSWORD#]; y"',
      'exec "$(printf %s [#NEW_PASSWORD#])"',
    ]) {
      const [entry] = lintTemplate(line, { dialect: 'ssh' });
      assert.equal(`${entry?.rule} ${entry?.severity}`, 'secret-in-shell error', line);
      assert.match(entry?.message ?? '', /shell history and ps/);
    }
  });

  it('a secret with other text is a warning (device CLIs need it)', () => {
    assert.deepEqual(findings('exec "username [#USERNAME#] secret [#NEW_PASSWORD#]"'), ['secret-in-shell warning 1:7']);
  });

  it('non-secret masks on a shell line raise nothing', () => {
    assert.deepEqual(findings('exec "echo [#USERNAME#] | wc -c"'), []);
    assert.deepEqual(findings('expect "*[#NEW_PASSWORD#]*"'), []);
  });

  it('in the local dialect any secret on a line is an error', () => {
    assert.deepEqual(findings('echo [#NEW_PASSWORD#]', 'local'), ['secret-in-shell error 1:1']);
    assert.deepEqual(findings('[#NEW_PASSWORD#]', 'local'), ['secret-in-shell error 1:1']);
    assert.deepEqual(findings('echo [#USERNAME#] | wc -c', 'local'), []);
  });
});

describe('lint: password change needs a final check', () => {
  const withoutFinal = LINUX_PASSWD.filter((line) => !line.includes('updated successfully'));

  it('is an error at the last step that sends a secret', () => {
    assert.deepEqual(findings(withoutFinal.join('\n'), 'ssh', 'password_change'), ['missing-final-check error 8:1']);
    assert.deepEqual(findings('exec "[#NEW_PASSWORD#]"\nexpect "*"\nwrite "[#NEW_PASSWORD#]"\nsleep 1\nend', 'ssh', 'password_change'), ['missing-final-check error 3:1']);
  });

  it('is satisfied by read, expect-regex or no-expect too', () => {
    for (const check of ['read "updated"', 'expect-regex "/updated/i"', 'no-expect "*failure*"']) {
      assert.deepEqual(findings([...withoutFinal.slice(0, -1), check, 'end'].join('\n'), 'ssh', 'password_change'), [], check);
    }
  });

  it('only applies to password change templates', () => {
    assert.deepEqual(findings(withoutFinal.join('\n'), 'ssh', 'reconcile'), []);
    assert.deepEqual(findings(withoutFinal.join('\n'), 'ssh'), []);
  });

  it('warns when a password change never sends the new password', () => {
    assert.deepEqual(findings('exec "ls"\nexpect "*"', 'ssh', 'password_change'), ['new-password-unused warning 1:1']);
  });
});

describe('assertTemplateSavable', () => {
  it('returns the warnings of a savable template', () => {
    const warnings = assertTemplateSavable('exec "[#SERVICE#]"', 'ssh', 'task');
    assert.deepEqual(warnings.map((entry) => entry.rule), ['unknown-mask']);
  });

  it('throws OST_TEMPLATE_LINT naming the first error, with every diagnostic in details', () => {
    assert.throws(() => assertTemplateSavable('exec "[#SERVICE#]"\nexce "x"\nsleep x', 'ssh', 'task'), (error) => {
      assert.ok(isOstiaryError(error));
      assert.equal(error.code, 'OST_TEMPLATE_LINT');
      assert.equal(error.httpStatus, 400);
      assert.match(error.message, /^template\.source: line 2, column 1: unknown command "exce".* \[unknown-command\] \(and 1 more\)$/);
      assert.deepEqual((error.details.diagnostics as { rule: string }[]).map((entry) => entry.rule), ['unknown-mask', 'unknown-command', 'invalid-number']);
      return true;
    });
  });
});

describe('formatDiagnostic', () => {
  it('prints file:line:col: severity: message [rule]', () => {
    const [entry] = lintTemplate('exec "x', { dialect: 'ssh' });
    assert.ok(entry);
    assert.equal(formatDiagnostic('t.ssh', entry), 't.ssh:1:6: warning: missing closing quote: the argument runs to the end of the line [unclosed-quote]');
  });
});
