import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderShellLine } from '../../../src/executors/local/shell-line-renderer.js';
import { parseLocalTemplate } from '../../../src/templates/index.js';

function render(line: string, values: Record<string, string>): string {
  const parsed = parseLocalTemplate(line);
  assert.ok(parsed.ok);
  const first = parsed.value.lines[0];
  assert.ok(first);
  return renderShellLine(first.text, values);
}

describe('shell line renderer', () => {
  it('leaves safe values as they are', () => {
    assert.equal(render('systemctl restart [#SERVICE#]', { SERVICE: 'backup.service' }), 'systemctl restart backup.service');
  });

  it('single-quotes other values outside quotes', () => {
    assert.equal(render('echo [#V#]', { V: "it's $HOME" }), `echo 'it'\\''s $HOME'`);
    assert.equal(render('echo [#V#]', { V: '' }), "echo ''");
  });

  it('escapes for the context inside double and single quotes', () => {
    assert.equal(render('echo "a [#V#] b"', { V: '"$x`y`\\' }), 'echo "a \\"\\$x\\`y\\`\\\\ b"');
    assert.equal(render("echo 'a [#V#] b'", { V: "it's" }), "echo 'a it'\\''s b'");
  });

  it('follows quotes across text and escaped quote characters', () => {
    assert.equal(render('echo \\" [#V#] "x\\"y" [#V#]', { V: 'a b' }), `echo \\" 'a b' "x\\"y" 'a b'`);
  });
});
