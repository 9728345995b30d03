import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NEW_LINE_SEQUENCES, parseSshTemplate, parseTemplate, parseTemplateOrThrow, SSH_DEFAULTS, sourceTextOf, stepArgument, visitSshStep } from '../../src/templates/index.js';
import type { Diagnostic, SshProgram, SshStep } from '../../src/templates/index.js';
import { isOstiaryError } from '../../src/domain/index.js';

function program(source: string): SshProgram {
  const result = parseSshTemplate(source);
  assert.ok(result.ok, `expected a clean parse, got ${JSON.stringify(result.diagnostics)}`);
  return result.value;
}

function onlyStep(source: string): SshStep {
  const steps = program(source).steps;
  assert.equal(steps.length, 1);
  return steps[0] as SshStep;
}

function errorsOf(source: string): Diagnostic[] {
  const result = parseSshTemplate(source);
  assert.equal(result.ok, false, 'expected the parse to fail');
  return result.diagnostics.filter((entry) => entry.severity === 'error');
}

const RESTART = `# Restart a service
set-read-timeout 15
expect "*$"
exec "sudo service [#SERVICE#] restart"
expect "*$"
end
`;

const LINUX_PASSWD = `expect "*$"
exec "passwd"
expect "*urrent*assword:"
exec "[#CURRENT_PASSWORD#]"
expect "*ew*assword:"
exec "[#NEW_PASSWORD#]"
expect "*etype*ew*assword:"
exec "[#NEW_PASSWORD#]"
expect "*updated successfully*"
end
`;

describe('SSH dialect: the command table', () => {
  it('has the documented defaults', () => {
    assert.deepEqual({ ...SSH_DEFAULTS }, { connectTimeoutSeconds: 10, readTimeoutSeconds: 10, newLineMode: 'unix' });
    assert.deepEqual({ ...NEW_LINE_SEQUENCES }, { unix: '\n', windows: '\r\n', mac: '\r' });
  });

  it('set-connect-timeout and set-read-timeout take seconds, quoted or not', () => {
    assert.deepEqual(onlyStep('set-connect-timeout 30'), { kind: 'set-connect-timeout', seconds: 30, loc: { line: 1, column: 1 } });
    assert.deepEqual(onlyStep('set-read-timeout "2.5"'), { kind: 'set-read-timeout', seconds: 2.5, loc: { line: 1, column: 1 } });
  });

  it('set-ssh-version accepts 2 and refuses anything else', () => {
    assert.deepEqual(onlyStep('set-ssh-version 2'), { kind: 'set-ssh-version', version: 2, loc: { line: 1, column: 1 } });
    const [error] = errorsOf('set-ssh-version 1');
    assert.equal(error?.rule, 'number-out-of-range');
    assert.match(error?.message ?? '', /only SSH version 2/);
  });

  it('set-new-line-mode takes unix, windows or mac (any case)', () => {
    for (const mode of ['unix', 'windows', 'mac'] as const) {
      assert.deepEqual(onlyStep(`set-new-line-mode ${mode.toUpperCase()}`), { kind: 'set-new-line-mode', mode, loc: { line: 1, column: 1 } });
    }
    assert.equal(errorsOf('set-new-line-mode dos')[0]?.rule, 'invalid-value');
  });

  it('exec, write, read, expect and no-expect keep their argument with masks', () => {
    const steps = program('exec "ls"\nwrite "y"\nread "done"\nexpect "*$"\nno-expect "*denied*"\nnoexpect "[#USERNAME#]"').steps;
    assert.deepEqual(
      steps.map((step) => [step.kind, sourceTextOf(stepArgument(step) ?? assert.fail('no argument'))]),
      [['exec', 'ls'], ['write', 'y'], ['read', 'done'], ['expect', '*$'], ['no-expect', '*denied*'], ['no-expect', '[#USERNAME#]']],
    );
  });

  it('expect-regex accepts "/re/flags" and "re"', () => {
    const [withFlags, plain, path] = program('expect-regex "/^ok\\s+\\d+$/im"\nexpect-regex "[Pp]assword:"\nexpect-regex "/home/user"').steps;
    assert.equal(withFlags?.kind, 'expect-regex');
    assert.ok(withFlags?.kind === 'expect-regex' && plain?.kind === 'expect-regex' && path?.kind === 'expect-regex');
    assert.deepEqual([sourceTextOf(withFlags.pattern), withFlags.flags, withFlags.pattern.loc.column], ['^ok\\s+\\d+$', 'im', 16]);
    assert.deepEqual([sourceTextOf(plain.pattern), plain.flags], ['[Pp]assword:', '']);
    // "user" is not a set of flags, so the whole text is the expression.
    assert.deepEqual([sourceTextOf(path.pattern), path.flags], ['/home/user', '']);
  });

  it('expect-regex refuses invalid expressions and stateful flags', () => {
    assert.equal(errorsOf('expect-regex "/a(b/"')[0]?.rule, 'invalid-regex');
    assert.match(errorsOf('expect-regex "/ab/g"')[0]?.message ?? '', /unsupported regular expression flag "g"/);
    assert.equal(errorsOf('expect-regex ""')[0]?.rule, 'invalid-regex');
  });

  it('sleep takes seconds, fractions allowed', () => {
    assert.deepEqual(onlyStep('sleep "2"'), { kind: 'sleep', seconds: 2, loc: { line: 1, column: 1 } });
    assert.deepEqual(onlyStep('sleep 0.5'), { kind: 'sleep', seconds: 0.5, loc: { line: 1, column: 1 } });
  });

  it('end takes no argument', () => {
    assert.deepEqual(onlyStep('end'), { kind: 'end', loc: { line: 1, column: 1 } });
    assert.deepEqual(errorsOf('end now')[0], { severity: 'error', rule: 'unexpected-argument', message: 'end takes no argument', loc: { line: 1, column: 5 } });
  });
});

describe('SSH dialect: lines, comments and errors', () => {
  it('parses the service restart example cleanly', () => {
    const result = parseSshTemplate(RESTART);
    assert.ok(result.ok);
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(result.value.steps.map((step) => step.kind), ['set-read-timeout', 'expect', 'exec', 'expect', 'end']);
  });

  it('parses the Linux passwd example cleanly, also with CRLF and indentation', () => {
    const crlf = LINUX_PASSWD.split('\n').map((line) => `  ${line}\t`).join('\r\n');
    for (const source of [LINUX_PASSWD, crlf]) {
      const result = parseSshTemplate(source);
      assert.ok(result.ok);
      assert.deepEqual(result.diagnostics, []);
      assert.equal(result.value.steps.length, 10);
      const exec = result.value.steps[3];
      assert.ok(exec?.kind === 'exec');
      assert.deepEqual(exec.text.segments, [{ kind: 'mask', name: 'CURRENT_PASSWORD', loc: { line: 4, column: source === crlf ? 9 : 7 } }]);
    }
  });

  it('commands are case-insensitive', () => {
    assert.deepEqual(program('EXEC "ls"\nExpect-Regex "x"\nEND').steps.map((step) => step.kind), ['exec', 'expect-regex', 'end']);
  });

  it('skips comment and blank lines, and tolerates a byte-order mark', () => {
    assert.deepEqual(program('\uFEFF# title\n\n   # indented comment\nexec "x"\n').steps.map((step) => step.loc), [{ line: 4, column: 1 }]);
  });

  it('reports an unknown command with line, column and a suggestion', () => {
    const [error] = errorsOf('exec "ls"\n   exce "ls"');
    assert.deepEqual(error?.loc, { line: 2, column: 4 });
    assert.equal(error?.rule, 'unknown-command');
    assert.match(error?.message ?? '', /unknown command "exce"; did you mean exec\?/);
    assert.doesNotMatch(errorsOf('frobnicate')[0]?.message ?? '', /did you mean/);
  });

  it('reports a missing argument and a bad number where they stand', () => {
    assert.deepEqual(errorsOf('exec')[0]?.rule, 'missing-argument');
    assert.deepEqual(errorsOf('sleep abc')[0], { severity: 'error', rule: 'invalid-number', message: 'expected a number of seconds, got "abc"', loc: { line: 1, column: 7 } });
    assert.equal(errorsOf('sleep "[#DELAY#]"')[0]?.rule, 'invalid-value');
    assert.equal(errorsOf('sleep -1')[0]?.rule, 'invalid-number');
  });

  it('refuses numbers out of range', () => {
    assert.equal(errorsOf('set-read-timeout 0')[0]?.rule, 'number-out-of-range');
    assert.equal(errorsOf('set-connect-timeout 3601')[0]?.rule, 'number-out-of-range');
    assert.equal(errorsOf('sleep 3601')[0]?.rule, 'number-out-of-range');
    assert.ok(parseSshTemplate('set-read-timeout 86400\nsleep 0\nset-connect-timeout 3600').ok);
  });

  it('keeps lines after end out of the program, with a warning each', () => {
    const result = parseSshTemplate('exec "a"\nend\nexec "b"\nend');
    assert.ok(result.ok);
    assert.deepEqual(result.value.steps.map((step) => step.kind), ['exec', 'end']);
    assert.deepEqual(result.diagnostics.map((entry) => [entry.rule, entry.severity, entry.loc.line]), [['after-end', 'warning', 3], ['after-end', 'warning', 4]]);
  });

  it('visitSshStep calls the handler of the step kind', () => {
    const describeStep = (step: SshStep): string =>
      visitSshStep(step, {
        'set-connect-timeout': (node) => `connect ${node.seconds}`,
        'set-read-timeout': (node) => `read-timeout ${node.seconds}`,
        'set-ssh-version': (node) => `version ${node.version}`,
        'set-new-line-mode': (node) => `newline ${node.mode}`,
        exec: (node) => `exec ${sourceTextOf(node.text)}`,
        write: (node) => `write ${sourceTextOf(node.text)}`,
        expect: (node) => `expect ${sourceTextOf(node.pattern)}`,
        read: (node) => `read ${sourceTextOf(node.text)}`,
        'expect-regex': (node) => `regex ${sourceTextOf(node.pattern)}/${node.flags}`,
        'no-expect': (node) => `no-expect ${sourceTextOf(node.pattern)}`,
        sleep: (node) => `sleep ${node.seconds}`,
        end: () => 'end',
      });
    const source = 'set-connect-timeout 5\nset-read-timeout 6\nset-ssh-version 2\nset-new-line-mode windows\nexec "a"\nwrite "b"\nexpect "c"\nread "d"\nexpect-regex "/e/i"\nno-expect "f"\nsleep 1\nend';
    assert.deepEqual(program(source).steps.map(describeStep), [
      'connect 5', 'read-timeout 6', 'version 2', 'newline windows', 'exec a', 'write b', 'expect c', 'read d', 'regex e/i', 'no-expect f', 'sleep 1', 'end',
    ]);
  });

  it('freezes every node', () => {
    const parsed = program(RESTART);
    assert.ok(Object.isFrozen(parsed) && Object.isFrozen(parsed.steps));
    for (const step of parsed.steps) {
      assert.ok(Object.isFrozen(step) && Object.isFrozen(step.loc), step.kind);
      if (step.kind === 'exec') assert.ok(Object.isFrozen(step.text) && step.text.segments.every((segment) => Object.isFrozen(segment)));
    }
  });

  it('parseTemplate dispatches by dialect and parseTemplateOrThrow names the line and column', () => {
    const ssh = parseTemplate('ssh', 'exec "ls"');
    assert.ok(ssh.ok && ssh.value.kind === 'ssh-program');
    const local = parseTemplate('local', 'ls -l');
    assert.ok(local.ok && local.value.kind === 'local-program');
    assert.throws(() => parseTemplateOrThrow('ssh', 'exec "ok"\n  exex "x"'), (error) => {
      assert.ok(isOstiaryError(error));
      assert.equal(error.code, 'OST_TEMPLATE_PARSE');
      assert.match(error.message, /line 2, column 3: unknown command "exex"/);
      return true;
    });
  });
});
