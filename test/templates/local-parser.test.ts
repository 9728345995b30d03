import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLocalTemplate, renderArgument, sourceTextOf } from '../../src/templates/index.js';

describe('local dialect', () => {
  it('keeps one shell command per line, exactly as written', () => {
    const result = parseLocalTemplate('#!/bin/sh\n# restart\n  systemctl restart "[#SERVICE#]" && echo "done"  \r\n\n\tls -l\n');
    assert.ok(result.ok);
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(result.value.lines.map((line) => [sourceTextOf(line.text), line.loc]), [
      ['systemctl restart "[#SERVICE#]" && echo "done"', { line: 3, column: 3 }],
      ['ls -l', { line: 5, column: 2 }],
    ]);
  });

  it('finds masks with their columns and renders them with the given escape', () => {
    const result = parseLocalTemplate('ping -c1 [#IP#]');
    assert.ok(result.ok);
    const line = result.value.lines[0];
    assert.ok(line);
    assert.deepEqual(line.text.segments[1], { kind: 'mask', name: 'IP', loc: { line: 1, column: 10 } });
    assert.equal(renderArgument(line.text, { IP: '127.0.0.1' }, (value) => `'${value}'`), "ping -c1 '127.0.0.1'");
  });

  it('does not apply the lenient quoting rule: quotes belong to the shell', () => {
    const result = parseLocalTemplate('"unbalanced');
    assert.ok(result.ok);
    assert.equal(sourceTextOf(result.value.lines[0]?.text ?? assert.fail()), '"unbalanced');
  });

  it('an empty template is an empty program', () => {
    const result = parseLocalTemplate('');
    assert.ok(result.ok);
    assert.deepEqual(result.value.lines, []);
  });
});
