import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOstiaryError } from '../../src/domain/index.js';
import { normalizeVariables, parseSshTemplate, parseTemplate, SAFE_VARIABLE_VALUE, validateVariables } from '../../src/templates/index.js';
import type { VariableDeclaration } from '../../src/templates/index.js';

function declarations(source: string): readonly VariableDeclaration[] {
  const result = parseSshTemplate(source);
  assert.ok(result.ok, JSON.stringify(result.diagnostics));
  return result.value.variables;
}

function errorRules(source: string): string[] {
  return parseSshTemplate(source).diagnostics.filter((entry) => entry.severity === 'error').map((entry) => entry.rule);
}

/** The fields named by validation errors. */
function badFields(declared: readonly VariableDeclaration[], values: Record<string, string>): string[] {
  return validateVariables(declared, values).map((error) => {
    assert.equal(error.code, 'OST_VALIDATION');
    return String(error.details.field);
  });
}

describe('#@var declarations', () => {
  it('reads name, pattern and label; the name is upper-cased', () => {
    assert.deepEqual(declarations('#@var service "^[a-z0-9_.-]+$" "Service to restart"\nexec "[#SERVICE#]"'), [
      { kind: 'variable-declaration', name: 'SERVICE', pattern: '^[a-z0-9_.-]+$', label: 'Service to restart', loc: { line: 1, column: 1 } },
    ]);
  });

  it('stays a comment: it is no step, and the label is optional', () => {
    const result = parseSshTemplate('  #@var PORT "[0-9]{1,5}"\nend');
    assert.ok(result.ok);
    assert.deepEqual(result.value.steps.map((step) => step.kind), ['end']);
    assert.deepEqual(result.value.variables.map((variable) => [variable.name, variable.label, variable.loc.column]), [['PORT', '', 3]]);
  });

  it('reads \\" and \\\\ escapes and keeps other backslashes', () => {
    // In the file: #@var MSG "^[^\"\\\\]*\d$" — `\\\\` is an escaped regex backslash.
    const [variable] = declarations('#@var MSG "^[^\\"\\\\\\\\]*\\d$" "a \\"quoted\\" label"');
    assert.equal(variable?.pattern, '^[^"\\\\]*\\d$');
    assert.equal(variable?.label, 'a "quoted" label');
  });

  it('is also read by the local dialect', () => {
    const result = parseTemplate('local', '#@var SERVICE "[a-z]+" "Service"\nsystemctl restart [#SERVICE#]');
    assert.ok(result.ok);
    assert.deepEqual(result.value.variables.map((variable) => variable.name), ['SERVICE']);
  });

  it('refuses a bad name, a missing pattern, an invalid regex, extra arguments, a built-in name, a duplicate', () => {
    assert.deepEqual(errorRules('#@var 9LIVES "x"'), ['invalid-declaration']);
    assert.deepEqual(errorRules('#@var SERVICE'), ['invalid-declaration']);
    assert.deepEqual(errorRules('#@var SERVICE "a(b"'), ['invalid-regex']);
    assert.deepEqual(errorRules('#@var SERVICE "a)(b"'), ['invalid-regex']);
    assert.deepEqual(errorRules('#@var SERVICE "x" "label" "extra"'), ['unexpected-argument']);
    assert.deepEqual(errorRules('#@var USERNAME "x"'), ['invalid-declaration']);
    assert.deepEqual(errorRules('#@var A "x"\n#@var a "y"'), ['duplicate-declaration']);
  });

  it('warns about a missing closing quote and an unknown directive', () => {
    const result = parseSshTemplate('#@var SERVICE "[a-z]+\n#@vra SERVICE "x"');
    assert.ok(result.ok);
    assert.deepEqual(result.diagnostics.map((entry) => [entry.rule, entry.loc.line, entry.loc.column]), [['unclosed-quote', 1, 15], ['unknown-directive', 2, 1]]);
    assert.equal(result.value.variables[0]?.pattern, '[a-z]+');
  });

  it('leaves other comments alone, including #@ separators', () => {
    assert.deepEqual(parseSshTemplate('# plain\n#@@@@@@\n#@ note\n#variable').diagnostics, []);
  });
});

describe('variable values', () => {
  it('accepts values inside the safe set', () => {
    assert.ok(SAFE_VARIABLE_VALUE.test('nginx-1.2_a:b@c/d+e=f,g'));
    assert.deepEqual(badFields([], { service: 'nginx', path: '/var/log/app.log', empty: '' }), []);
  });

  it('refuses shell metacharacters, space and newline, naming the field', () => {
    for (const value of ['a;b', 'a|b', '$(id)', '`id`', 'a b', 'a\nb', 'a&b', "a'b", 'a"b', 'a>b', 'a\\b']) {
      assert.deepEqual(badFields([], { service: value }), ['variables.service'], JSON.stringify(value));
    }
  });

  it('never quotes the value in the message', () => {
    const [error] = validateVariables([], { token: 'hunter2; rm -rf /' });
    assert.ok(error);
    assert.equal(error.message.includes('hunter2'), false);
    assert.match(error.message, /^variables\.token: expected only letters/);
  });

  it('uses the declared pattern instead of the safe set, matching the whole value', () => {
    const declared = declarations('#@var SERVICE "[a-z]+"\n#@var CMD "[a-z ;|]+" "Command"\n#@var LINES "[a-z\\n]+"');
    assert.deepEqual(badFields(declared, { service: 'nginx' }), []);
    assert.deepEqual(badFields(declared, { service: 'nginx2' }), ['variables.service']);
    assert.deepEqual(badFields(declared, { service: 'a-b' }), ['variables.service'], 'a declared pattern replaces the safe set');
    assert.deepEqual(badFields(declared, { cmd: 'ls; id | wc' }), []);
    assert.deepEqual(badFields(declared, { cmd: '$(id)' }), ['variables.cmd']);
    assert.deepEqual(badFields(declared, { lines: 'a\nb' }), []);
    assert.match(validateVariables(declared, { cmd: '`x`' })[0]?.message ?? '', /variables\.cmd: expected a value matching "\[a-z ;\|\]\+" \(Command\)/);
  });

  it('treats names case-insensitively and refuses the same name twice', () => {
    const declared = declarations('#@var SERVICE "[a-z]+"');
    assert.deepEqual(badFields(declared, { Service: 'a-b' }), ['variables.Service']);
    assert.deepEqual(badFields(declared, { service: 'a', SERVICE: 'b' }), ['variables.SERVICE']);
    assert.deepEqual(badFields(declared, { 'bad name': 'x' }), ['variables.bad name']);
  });

  it('normalizeVariables returns upper-case keys, or throws with every problem', () => {
    assert.deepEqual(normalizeVariables([], { service: 'nginx', Port: '22' }), { SERVICE: 'nginx', PORT: '22' });
    assert.throws(() => normalizeVariables([], { a: 'x y', b: 'ok', c: 'z;' }), (error) => {
      assert.ok(isOstiaryError(error));
      assert.equal(error.code, 'OST_VALIDATION');
      assert.equal(error.details.field, 'variables.a');
      assert.deepEqual((error.details.problems as { field: string }[]).map((problem) => problem.field), ['variables.a', 'variables.c']);
      return true;
    });
  });
});
