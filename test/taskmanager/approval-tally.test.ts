import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOstiaryError } from '../../src/domain/index.js';
import type { ErrorCode } from '../../src/domain/index.js';
import { answer, assertApprovable, isExpired, tally } from '../../src/taskmanager/approval/approval-tally.js';
import type { ApprovalDecision, ApprovalRequest } from '../../src/taskmanager/approval/approval-tally.js';
import { bindingHash, type RunBinding } from '../../src/taskmanager/approval/binding-hash.js';

const binding: RunBinding = {
  taskId: 't1', templateId: 'tpl', templateVersion: 3, variables: { SERVICE: 'rsync' },
  deviceIds: ['d1', 'd2', 'd3'], credential: { kind: 'credential', credentialId: 'c1' },
};
const hash = bindingHash(binding);

function request(changes: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return { requesterId: 'op', approvers: ['a1', 'a2', 'a3'], approvalsRequired: 2, rejectionsToDeny: 2, expiresAt: 10_000, bindingHash: hash, state: 'waiting_approval', ...changes };
}

function refusal(fn: () => unknown): { code: ErrorCode; reason: unknown } {
  try {
    fn();
  } catch (error) {
    assert.ok(isOstiaryError(error));
    return { code: error.code, reason: error.details.reason ?? error.details.field };
  }
  assert.fail('expected a refusal');
}

const say = (approverId: string, verdict: 'approve' | 'reject', now = 1_000) => ({ approverId, answer: verdict, justification: `${approverId} checked the change`, currentBindingHash: hash, now });

describe('approval counting', () => {
  it('N approvals release: the first approval leaves it waiting, the second approves', () => {
    const first = answer(request(), [], say('a1', 'approve'));
    assert.deepEqual(first.tally, { approvals: 1, rejections: 0, outcome: 'waiting_approval' });
    const second = answer(request(), [first.decision], say('a2', 'approve'));
    assert.deepEqual(second.tally, { approvals: 2, rejections: 0, outcome: 'approved' });
  });

  it('M rejections deny, even after some approvals', () => {
    const decisions: ApprovalDecision[] = [];
    for (const [who, verdict] of [['a1', 'approve'], ['a2', 'reject']] as const) decisions.push(answer(request(), decisions, say(who, verdict)).decision);
    const last = answer(request(), decisions, say('a3', 'reject'));
    assert.deepEqual(last.tally, { approvals: 1, rejections: 2, outcome: 'rejected' });
  });

  it('each answer keeps its own justification', () => {
    const { decision } = answer(request(), [], { ...say('a1', 'reject'), justification: '  not during business hours ' });
    assert.equal(decision.justification, 'not during business hours');
    assert.equal(refusal(() => answer(request(), [], { ...say('a1', 'approve'), justification: ' ' })).reason, 'justification');
  });

  it('self-approval is refused, and a requester\'s stray answer never counts', () => {
    assert.deepEqual(refusal(() => answer(request({ approvers: ['op', 'a1'] }), [], say('op', 'approve'))), { code: 'OST_FORBIDDEN', reason: 'self_approval' });
    const stray: ApprovalDecision = { approverId: 'op', answer: 'approve', justification: 'me', decidedAt: 1 };
    assert.equal(tally(request({ approvers: ['op', 'a1'], approvalsRequired: 1 }), [stray]).outcome, 'waiting_approval');
  });

  it('one answer per approver; a stranger cannot answer', () => {
    const { decision } = answer(request(), [], say('a1', 'approve'));
    assert.deepEqual(refusal(() => answer(request(), [decision], say('a1', 'approve'))), { code: 'OST_CONFLICT', reason: 'already_answered' });
    assert.deepEqual(refusal(() => answer(request(), [], say('intruder', 'approve'))), { code: 'OST_FORBIDDEN', reason: 'not_an_approver' });
    const duplicate: ApprovalDecision = { ...decision, decidedAt: 2 };
    assert.equal(tally(request(), [decision, duplicate]).approvals, 1);
  });

  it('after the lifetime the request is expired and takes no answer', () => {
    assert.ok(!isExpired(request(), 9_999));
    assert.ok(isExpired(request(), 10_000));
    assert.deepEqual(refusal(() => answer(request(), [], say('a1', 'approve', 10_000))), { code: 'OST_CONFLICT', reason: 'expired' });
    assert.ok(!isExpired(request({ expiresAt: null }), Number.MAX_SAFE_INTEGER));
  });

  it('a closed request takes no answer', () => {
    for (const state of ['approved', 'rejected', 'voided', 'cancelled'] as const) {
      assert.deepEqual(refusal(() => answer(request({ state }), [], say('a1', 'approve'))), { code: 'OST_CONFLICT', reason: state });
    }
  });

  it('refuses rules no set of approvers can satisfy', () => {
    assert.equal(refusal(() => assertApprovable(2, ['a1'])).reason, 'accessGroup.approvers');
    assert.doesNotThrow(() => assertApprovable(2, ['a1', 'a2']));
  });
});

describe('run binding hash', () => {
  it('changes with anything the approval covers', () => {
    const edits: Partial<RunBinding>[] = [
      { templateVersion: 4 },
      { templateId: 'other' },
      { variables: { SERVICE: 'mysql' } },
      { variables: { SERVICE: 'rsync', EXTRA: '1' } },
      { deviceIds: ['d1', 'd2'] },
      { deviceIds: ['d1', 'd2', 'd4'] },
      { credential: { kind: 'credential', credentialId: 'c2' } },
      { credential: { kind: 'username', username: 'c1' } },
      { taskId: 't2' },
    ];
    const hashes = edits.map((edit) => bindingHash({ ...binding, ...edit }));
    assert.equal(new Set([hash, ...hashes]).size, edits.length + 1);
  });

  it('ignores device order and variable-name case, and is SHA-256 hex', () => {
    assert.equal(bindingHash({ ...binding, deviceIds: ['d3', 'd1', 'd2'], variables: { service: 'rsync' } }), hash);
    assert.match(hash, /^[0-9a-f]{64}$/);
  });

  it('an edited task voids a pending approval: the answer is refused', () => {
    const edited = bindingHash({ ...binding, variables: { SERVICE: 'mysql' } });
    assert.deepEqual(refusal(() => answer(request(), [], { ...say('a1', 'approve'), currentBindingHash: edited })), { code: 'OST_CONFLICT', reason: 'binding_changed' });
  });
});
