import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOstiaryError } from '../../src/domain/index.js';
import {
  assertMasksFilled,
  BUILT_IN_MASKS,
  fillMasksInText,
  findUnfilledMasks,
  parseTemplateOrThrow,
  renderArgument,
  SECRET_MASKS,
} from '../../src/templates/index.js';

function expectUnfilled(action: () => unknown, pattern: RegExp): void {
  assert.throws(action, (error) => {
    assert.ok(isOstiaryError(error));
    assert.equal(error.code, 'OST_MASK_UNFILLED');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('masks', () => {
  it('lists the built-in and the secret masks of DESIGN §5', () => {
    assert.deepEqual([...BUILT_IN_MASKS], ['USERNAME', 'CURRENT_PASSWORD', 'NEW_PASSWORD', 'AUTH_USER', 'AUTH_PASSWORD', 'AUTH_DOMAIN', 'ADD_INFO', 'IP', 'HOSTNAME', 'DOMAIN', 'CONNECT_IP', 'CONNECT_PORT']);
    assert.deepEqual([...SECRET_MASKS], ['CURRENT_PASSWORD', 'NEW_PASSWORD', 'AUTH_PASSWORD']);
  });

  it('renders an argument, escaping mask values only', () => {
    const program = parseTemplateOrThrow('local', "echo 'it''s' [#SERVICE#]");
    const line = program.lines[0];
    assert.ok(line);
    const shellQuote = (value: string): string => `'${value.replaceAll("'", "'\\''")}'`;
    assert.equal(renderArgument(line.text, { SERVICE: "o'neil; rm" }, shellQuote), "echo 'it''s' 'o'\\''neil; rm'");
    assert.equal(renderArgument(line.text, { SERVICE: '' }), "echo 'it''s' ");
  });

  it('renderArgument names the unfilled mask and its line, never a value', () => {
    const program = parseTemplateOrThrow('ssh', 'exec "ls"\nexec "[#USERNAME#] [#SERVICE#]"');
    const step = program.steps[1];
    assert.ok(step?.kind === 'exec');
    expectUnfilled(() => renderArgument(step.text, { USERNAME: 'Sup3rS3cret' }), /^no value for \[#SERVICE#\] on line 2, column 20$/);
    assert.throws(() => renderArgument(step.text, { USERNAME: 'Sup3rS3cret' }), (error) => !String((error as Error).message).includes('Sup3rS3cret'));
  });

  it('does not take values from the prototype', () => {
    expectUnfilled(() => fillMasksInText('[#TOSTRING#] [#CONSTRUCTOR#]', {}), /TOSTRING/);
    assert.equal(fillMasksInText('[#CONSTRUCTOR#]', { CONSTRUCTOR: 'x' }), 'x');
  });

  it('findUnfilledMasks lists every missing mask with its location, so the engine stops before connecting', () => {
    const program = parseTemplateOrThrow('ssh', 'expect "*$"\nexec "sudo service [#SERVICE#] restart"\nexpect "[#HOSTNAME#]*"\nexec "[#SERVICE#]"\nend');
    assert.deepEqual(findUnfilledMasks(program, { HOSTNAME: 'web1' }), [
      { name: 'SERVICE', loc: { line: 2, column: 20 } },
      { name: 'SERVICE', loc: { line: 4, column: 7 } },
    ]);
    assert.deepEqual(findUnfilledMasks(program, { HOSTNAME: 'web1', SERVICE: '' }), []);
  });

  it('assertMasksFilled throws OST_MASK_UNFILLED with every name in details', () => {
    const program = parseTemplateOrThrow('local', 'systemctl restart [#SERVICE#]\necho [#ADD_INFO#]');
    assert.throws(() => assertMasksFilled(program, {}), (error) => {
      assert.ok(isOstiaryError(error));
      assert.equal(error.code, 'OST_MASK_UNFILLED');
      assert.equal(error.message, 'no value for [#SERVICE#] on line 1, [#ADD_INFO#] on line 2');
      assert.deepEqual(error.details.masks, ['SERVICE', 'ADD_INFO']);
      assert.equal(error.details.field, 'masks.SERVICE');
      return true;
    });
    assert.doesNotThrow(() => assertMasksFilled(program, { SERVICE: 'a', ADD_INFO: 'b' }));
  });

  it('fillMasksInText fills a plain line', () => {
    assert.equal(fillMasksInText('host [#HOSTNAME#] ([#IP#])', { HOSTNAME: 'db1', IP: '127.0.0.5' }), 'host db1 (127.0.0.5)');
    assert.equal(fillMasksInText('no masks [# here', {}), 'no masks [# here');
    assert.equal(fillMasksInText('[#IP#]', { IP: '1.2.3.4' }, (value) => value.replaceAll('.', '\\.')), '1\\.2\\.3\\.4');
  });
});
