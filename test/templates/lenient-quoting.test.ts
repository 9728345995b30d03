import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSshTemplate, renderArgument } from '../../src/templates/index.js';
import type { Argument, Diagnostic } from '../../src/templates/index.js';

/** The single exec step of `line`, and the parse's diagnostics. */
function execOf(line: string): { argument: Argument; diagnostics: readonly Diagnostic[] } {
  const result = parseSshTemplate(line);
  assert.ok(result.ok, JSON.stringify(result.diagnostics));
  const step = result.value.steps[0];
  assert.ok(step?.kind === 'exec');
  return { argument: step.text, diagnostics: result.diagnostics };
}

const VALUES = { USERNAME: 'admin', SERVICE: 'nginx', IP: '10.0.0.1', CONNECT_PORT: '22' };

function sent(line: string): string {
  return renderArgument(execOf(line).argument, VALUES);
}

describe('lenient quoting', () => {
  it('runs a quoted argument to the last quote, keeping inner quotes', () => {
    assert.equal(sent('exec "edit "[#USERNAME#]""'), 'edit "admin"');
    assert.equal(sent('exec "say "hi" and "bye""'), 'say "hi" and "bye"');
    assert.equal(sent('exec ""'), '');
    assert.equal(sent('exec """'), '"');
  });

  it('accepts a missing closing quote with a located warning', () => {
    const { argument, diagnostics } = execOf('exec "sudo service [#SERVICE#] restart');
    assert.equal(renderArgument(argument, VALUES), 'sudo service nginx restart');
    assert.deepEqual(diagnostics, [{ severity: 'warning', rule: 'unclosed-quote', message: 'missing closing quote: the argument runs to the end of the line', loc: { line: 1, column: 6 } }]);
  });

  it('takes an unquoted argument as written', () => {
    assert.equal(sent('exec ls -l /tmp'), 'ls -l /tmp');
    assert.equal(sent("exec 'single quotes' stay"), "'single quotes' stay");
    assert.equal(sent('exec echo "a"'), 'echo "a"');
  });

  it('keeps spaces inside quotes and drops them around the line', () => {
    assert.equal(sent('   exec   "  padded  "   '), '  padded  ');
  });

  it('keeps backslashes as written (no escapes in one-argument commands)', () => {
    assert.equal(sent('exec "a\\"b"'), 'a\\"b');
    assert.equal(sent('exec "C:\\\\temp\\n"'), 'C:\\\\temp\\n');
  });

  it('refuses text after the closing quote, pointing at it', () => {
    const result = parseSshTemplate('exec "ls" -l');
    assert.equal(result.ok, false);
    assert.deepEqual(result.diagnostics, [{ severity: 'error', rule: 'unexpected-text', message: 'expected the end of the line after the closing quote', loc: { line: 1, column: 11 } }]);
  });
});

describe('masks inside arguments', () => {
  it('finds masks at the start, middle and end, with their columns', () => {
    const { argument } = execOf('exec "[#USERNAME#] on [#IP#]:[#CONNECT_PORT#]"');
    assert.deepEqual(argument.segments, [
      { kind: 'mask', name: 'USERNAME', loc: { line: 1, column: 7 } },
      { kind: 'text', text: ' on ' },
      { kind: 'mask', name: 'IP', loc: { line: 1, column: 23 } },
      { kind: 'text', text: ':' },
      { kind: 'mask', name: 'CONNECT_PORT', loc: { line: 1, column: 30 } },
    ]);
    assert.equal(renderArgument(argument, VALUES), 'admin on 10.0.0.1:22');
  });

  it('separates adjacent masks', () => {
    const { argument } = execOf('exec "[#USERNAME#][#SERVICE#]"');
    assert.deepEqual(argument.segments.map((segment) => (segment.kind === 'mask' ? segment.name : segment.text)), ['USERNAME', 'SERVICE']);
    assert.equal(renderArgument(argument, VALUES), 'adminnginx');
  });

  it('leaves a [# that is not a mask as text', () => {
    assert.equal(sent('exec "echo [# not a mask"'), 'echo [# not a mask');
    assert.equal(sent('exec "[#]"'), '[#]');
    assert.equal(sent('exec "[#[#USERNAME#]"'), '[#admin');
    assert.equal(sent('exec "#] [#"'), '#] [#');
  });

  it('warns about a mask-like text with a bad name, and sends it as written', () => {
    const { argument, diagnostics } = execOf('exec "[#SERVICE NAME#]"');
    assert.equal(renderArgument(argument, {}), '[#SERVICE NAME#]');
    assert.deepEqual(diagnostics.map((entry) => [entry.rule, entry.severity, entry.loc.column]), [['malformed-mask', 'warning', 7]]);
  });

  it('upper-cases a lower-case mask name, with a warning', () => {
    const { argument, diagnostics } = execOf('exec "restart [#service#]"');
    assert.equal(renderArgument(argument, VALUES), 'restart nginx');
    assert.deepEqual(diagnostics.map((entry) => entry.rule), ['mask-case']);
  });

  it('finds masks in an unquoted argument too', () => {
    assert.equal(sent('exec id [#USERNAME#]'), 'id admin');
  });
});
