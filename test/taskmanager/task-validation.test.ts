import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOstiaryError } from '../../src/domain/index.js';
import type { Template, TemplateVersion } from '../../src/domain/index.js';
import { parseTaskDefinition } from '../../src/taskmanager/task/task-definition.js';
import { validateTaskAgainstTemplate } from '../../src/taskmanager/task/task-validation.js';

const DECLARED = [
  '#@var SERVICE "[a-z0-9_.-]+" "Service to restart"',
  '#@var FILTER "[a-z |]+" "A pipeline the template allows"',
  'exec "service [#SERVICE#] restart"',
  'expect "done"',
  'exec "ps ax | grep [#FILTER#] | wc -l"',
  'end',
].join('\n');

function context(source: string, changes: { type?: Template['type']; executor?: string; fields?: readonly string[] | null } = {}) {
  const template: Template = { id: 'tpl', name: 'Restart', type: changes.type ?? 'task', executor: changes.executor ?? 'ssh', latestVersion: 2, createdAt: 0, updatedAt: 0 };
  const version: TemplateVersion = { templateId: 'tpl', version: 2, source, author: 'admin', createdAt: 0 };
  return { template, version, credentialFields: changes.fields === undefined ? [] : changes.fields };
}

function definition(variables: Record<string, string>, extra: Record<string, unknown> = {}) {
  return parseTaskDefinition({ name: 'Restart backup services', templateId: 'tpl', variables, credential: { kind: 'credential', credentialId: 'c1' }, deviceIds: ['d1'], ...extra });
}

function refusedFields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(isOstiaryError(error));
    assert.equal(error.code, 'OST_VALIDATION');
    const problems = (error.details.problems as { field: string }[] | undefined) ?? [{ field: String(error.details.field) }];
    assert.ok(error.message.startsWith(`${String(error.details.field)}:`), error.message);
    return problems.map((problem) => problem.field);
  }
  assert.fail('expected a validation error');
}

describe('task variables against the template', () => {
  it('accepts values matching the #@var patterns and stores names upper-case with the pinned version', () => {
    const task = validateTaskAgainstTemplate(definition({ service: 'rsync', Filter: 'rsync | sort' }), context(DECLARED));
    assert.deepEqual(task.variables, { SERVICE: 'rsync', FILTER: 'rsync | sort' });
    assert.equal(task.templateVersion, 2);
  });

  it('refuses shell metacharacters the pattern does not allow, naming the field and never echoing the value', () => {
    try {
      validateTaskAgainstTemplate(definition({ SERVICE: 'rsync; rm -rf /', FILTER: 'x' }), context(DECLARED));
      assert.fail('expected a refusal');
    } catch (error) {
      assert.ok(isOstiaryError(error));
      assert.equal(error.details.field, 'task.variables.SERVICE');
      assert.ok(!error.message.includes('rm -rf'));
    }
  });

  it('allows metacharacters when the template declares a pattern that allows them', () => {
    assert.doesNotThrow(() => validateTaskAgainstTemplate(definition({ SERVICE: 'rsync', FILTER: 'a | b' }), context(DECLARED)));
  });

  it('an undeclared variable takes only the safe set', () => {
    const source = 'exec "service [#SERVICE#] restart"\nend';
    assert.doesNotThrow(() => validateTaskAgainstTemplate(definition({ SERVICE: 'mysql' }), context(source)));
    for (const bad of ['mysql; reboot', 'a b', '$(id)', '`id`', 'x|y', 'x&y', 'x>y', "it's", 'a\nb']) {
      assert.deepEqual(refusedFields(() => validateTaskAgainstTemplate(definition({ SERVICE: bad }), context(source))), ['task.variables.SERVICE'], bad);
    }
  });

  it('refuses a variable the template does not use, a built-in mask, and a missing one', () => {
    assert.deepEqual(refusedFields(() => validateTaskAgainstTemplate(definition({ SERVICE: 'rsync', FILTER: 'a', SERVCE: 'x' }), context(DECLARED))), ['task.variables.SERVCE']);
    assert.deepEqual(refusedFields(() => validateTaskAgainstTemplate(definition({ SERVICE: 'rsync', FILTER: 'a', USERNAME: 'root' }), context(DECLARED))), ['task.variables.USERNAME']);
    assert.deepEqual(refusedFields(() => validateTaskAgainstTemplate(definition({ SERVICE: 'rsync' }), context(DECLARED))), ['task.variables.FILTER']);
  });

  it('a credential field may fill a mask; with a per-device username lookup the check waits for the run', () => {
    assert.doesNotThrow(() => validateTaskAgainstTemplate(definition({ SERVICE: 'rsync' }), context(DECLARED, { fields: ['FILTER'] })));
    assert.doesNotThrow(() => validateTaskAgainstTemplate(definition({ SERVICE: 'rsync' }), context(DECLARED, { fields: null })));
  });

  it('refuses a template that is not a task template, and a template that does not parse', () => {
    assert.deepEqual(refusedFields(() => validateTaskAgainstTemplate(definition({}), context('end', { type: 'password_change' }))), ['task.templateId']);
    assert.throws(() => validateTaskAgainstTemplate(definition({}), context('exec "unclosed\nfrobnicate\n')), (error) => isOstiaryError(error) && error.code === 'OST_TEMPLATE_PARSE');
  });

  it('reads the masks of SQL task templates too', () => {
    const sql = "#@var DB \"[a-z_]+\" \"Database\"\nVACUUM ANALYZE [#DB#]";
    assert.deepEqual(validateTaskAgainstTemplate(definition({ db: 'app_main' }), context(sql, { executor: 'postgres' })).variables, { DB: 'app_main' });
    assert.deepEqual(refusedFields(() => validateTaskAgainstTemplate(definition({}), context(sql, { executor: 'postgres' }))), ['task.variables.DB']);
  });
});

describe('task definition shape', () => {
  it('names the bad field', () => {
    assert.deepEqual(refusedFields(() => definition({}, { deviceIds: [] })), ['task.deviceIds']);
    assert.deepEqual(refusedFields(() => definition({}, { name: ' ' })), ['task.name']);
    assert.deepEqual(refusedFields(() => definition({}, { credential: { kind: 'username' } })), ['task.credential.username']);
    assert.deepEqual(refusedFields(() => definition({}, { credential: { kind: 'vault' } })), ['task.credential.kind']);
    assert.deepEqual(refusedFields(() => definition({}, { color: 'red' })), ['task']);
  });

  it('deduplicates devices and tags; empty environment and system become null', () => {
    const task = definition({}, { deviceIds: ['d1', 'd2', 'd1'], tags: ['a', 'a'], environment: '', system: '  ' });
    assert.deepEqual(task.deviceIds, ['d1', 'd2']);
    assert.deepEqual(task.tags, ['a']);
    assert.equal(task.environment, null);
    assert.equal(task.system, null);
  });
});
