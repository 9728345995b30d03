import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOstiaryError } from '../../src/domain/index.js';
import { DEFAULT_ACCESS_RULES, type AccessGroup, type AccessRules } from '../../src/taskmanager/access/access-group.js';
import { criteriaMatch } from '../../src/taskmanager/access/criteria-match.js';
import { mostRestrictive, resolveAccess } from '../../src/taskmanager/access/effective-access.js';
import { assertRunRequest, parseRunRequest } from '../../src/taskmanager/run/run-request.js';
import type { Reason } from '../../src/taskmanager/reason/reason.js';

function group(id: string, changes: Partial<Omit<AccessGroup, 'rules'>> & { rules?: Partial<AccessRules> } = {}): AccessGroup {
  return {
    id, name: id, users: ['op'], approvers: ['boss'], enabled: true, createdAt: 0, updatedAt: 0,
    criteria: { environments: [], systems: [], deviceIds: [] },
    ...changes,
    rules: { ...DEFAULT_ACCESS_RULES, ...changes.rules },
  };
}

const prodBackup = { environment: 'Production', system: 'Backup', deviceIds: ['d1', 'd2'] };

describe('criteria', () => {
  it('an empty list places no condition', () => {
    assert.ok(criteriaMatch({ environments: [], systems: [], deviceIds: [] }, prodBackup));
  });

  it('environments and systems compare without case; a task without one does not match a list', () => {
    assert.ok(criteriaMatch({ environments: ['production'], systems: ['BACKUP'], deviceIds: [] }, prodBackup));
    assert.ok(!criteriaMatch({ environments: ['staging'], systems: [], deviceIds: [] }, prodBackup));
    assert.ok(!criteriaMatch({ environments: [], systems: ['Backup'], deviceIds: [] }, { ...prodBackup, system: null }));
  });

  it('devices: every device of the task must be listed', () => {
    assert.ok(criteriaMatch({ environments: [], systems: [], deviceIds: ['d1', 'd2', 'd3'] }, prodBackup));
    assert.ok(!criteriaMatch({ environments: [], systems: [], deviceIds: ['d1'] }, prodBackup));
  });
});

describe('effective access', () => {
  it('refuses a user no group lets run the task', () => {
    assert.throws(() => resolveAccess([group('g', { users: ['someone-else'] })], 'op', prodBackup), (error) => isOstiaryError(error) && error.code === 'OST_FORBIDDEN');
    assert.throws(() => resolveAccess([group('g', { criteria: { environments: ['Staging'], systems: [], deviceIds: [] } })], 'op', prodBackup), (error) => isOstiaryError(error) && error.code === 'OST_FORBIDDEN');
    assert.throws(() => resolveAccess([group('g', { enabled: false })], 'op', prodBackup), (error) => isOstiaryError(error) && error.code === 'OST_FORBIDDEN');
  });

  it('a user in several groups gets the most restrictive rules', () => {
    const lax = group('lax', { rules: { reasonRequired: false, approvalsRequired: 0, rejectionsToDeny: 3, approvalLifetimeMs: 8 * 3_600_000 } });
    const strict = group('strict', { approvers: ['boss', 'cto'], rules: { justificationRequired: true, approvalsRequired: 2, rejectionsToDeny: 1, approvalLifetimeMs: 3_600_000 } });
    const coded = group('coded', { approvers: ['auditor'], rules: { governanceCodeRequired: true, approvalsRequired: 1, rejectionsToDeny: 2, approvalLifetimeMs: 2 * 3_600_000 } });
    const access = resolveAccess([lax, strict, coded], 'op', prodBackup);
    assert.deepEqual(access.rules, {
      reasonRequired: true, justificationRequired: true, governanceCodeRequired: true,
      approvalsRequired: 2, rejectionsToDeny: 1, approvalLifetimeMs: 3_600_000,
    });
    assert.deepEqual(access.groupIds, ['lax', 'strict', 'coded']);
    // The lax group needs no approval, so its approver gains no power; the others' approvers count.
    assert.deepEqual([...access.approvers].sort(), ['auditor', 'boss', 'cto']);
  });

  it('groups that do not govern the task (other criteria) do not tighten the rules', () => {
    const other = group('staging', { criteria: { environments: ['Staging'], systems: [], deviceIds: [] }, rules: { approvalsRequired: 5 } });
    assert.equal(resolveAccess([group('prod'), other], 'op', prodBackup).rules.approvalsRequired, 0);
  });

  it('the requester is never among the approvers, even if a group lists them', () => {
    const access = resolveAccess([group('g', { users: ['op'], approvers: ['op', 'boss'], rules: { approvalsRequired: 1 } })], 'op', prodBackup);
    assert.deepEqual(access.approvers, ['boss']);
  });

  it('mostRestrictive of one set is that set', () => {
    assert.deepEqual(mostRestrictive([DEFAULT_ACCESS_RULES]), DEFAULT_ACCESS_RULES);
  });
});

describe('run request against the rules', () => {
  const reason: Reason = { id: 'r1', name: 'Maintenance', type: 'task_execution', enabled: true, createdAt: 0, updatedAt: 0 };
  const rules = { ...DEFAULT_ACCESS_RULES, reasonRequired: true, justificationRequired: true, governanceCodeRequired: true };

  function fieldOf(fn: () => void): string {
    try {
      fn();
    } catch (error) {
      assert.ok(isOstiaryError(error) && error.code === 'OST_VALIDATION');
      return String(error.details.field);
    }
    assert.fail('expected a validation error');
  }

  it('names each missing required part', () => {
    assert.equal(fieldOf(() => assertRunRequest(parseRunRequest({}), rules, null)), 'run.reasonId');
    assert.equal(fieldOf(() => assertRunRequest(parseRunRequest({ reasonId: 'r1' }), rules, reason)), 'run.justification');
    assert.equal(fieldOf(() => assertRunRequest(parseRunRequest({ reasonId: 'r1', justification: '  ' }), rules, reason)), 'run.justification');
    assert.equal(fieldOf(() => assertRunRequest(parseRunRequest({ reasonId: 'r1', justification: 'j' }), rules, reason)), 'run.governanceCode');
    assert.doesNotThrow(() => assertRunRequest(parseRunRequest({ reasonId: 'r1', justification: 'j', governanceCode: 'CHG-1' }), rules, reason));
  });

  it('refuses a disabled reason or one for file downloads', () => {
    const lax = { ...DEFAULT_ACCESS_RULES, reasonRequired: false };
    assert.equal(fieldOf(() => assertRunRequest(parseRunRequest({ reasonId: 'r1' }), lax, { ...reason, enabled: false })), 'run.reasonId');
    assert.equal(fieldOf(() => assertRunRequest(parseRunRequest({ reasonId: 'r1' }), lax, { ...reason, type: 'file_download' })), 'run.reasonId');
    assert.doesNotThrow(() => assertRunRequest(parseRunRequest({ reasonId: 'r1' }), lax, { ...reason, type: 'all' }));
    assert.doesNotThrow(() => assertRunRequest(parseRunRequest({}), lax, null));
  });
});
