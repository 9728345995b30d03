import { OstiaryError, validationError } from '../../domain/index.js';
import type { ApprovalAnswer, ApprovalState } from '../../store/task-manager-store.js';

/** Where an approval request stands. Only `waiting_approval` accepts answers. */
export const APPROVAL_STATES = ['not_required', 'waiting_approval', 'approved', 'rejected', 'expired', 'voided', 'cancelled'] as const satisfies readonly ApprovalState[];
export type { ApprovalAnswer, ApprovalState };

/** One approver's answer, with its own justification. */
export interface ApprovalDecision {
  readonly approverId: string;
  readonly answer: ApprovalAnswer;
  readonly justification: string;
  readonly decidedAt: number;
}

/** What a run or schedule waits on. */
export interface ApprovalRequest {
  readonly requesterId: string;
  /** User ids allowed to answer (never the requester). */
  readonly approvers: readonly string[];
  /** N approvals release. */
  readonly approvalsRequired: number;
  /** M rejections deny. */
  readonly rejectionsToDeny: number;
  /** After this instant the request is expired; `null` never expires (schedules). */
  readonly expiresAt: number | null;
  readonly bindingHash: string;
  readonly state: ApprovalState;
}

export interface Tally {
  readonly approvals: number;
  readonly rejections: number;
  /** `approved` at N approvals, `rejected` at M rejections, else `waiting_approval`. */
  readonly outcome: 'waiting_approval' | 'approved' | 'rejected';
}

/** Counts answers; the requester's never counts, and only an approver's first answer does. */
export function tally(request: ApprovalRequest, decisions: readonly ApprovalDecision[]): Tally {
  const counted = new Map<string, ApprovalAnswer>();
  for (const decision of decisions) {
    if (decision.approverId === request.requesterId || !request.approvers.includes(decision.approverId)) continue;
    if (!counted.has(decision.approverId)) counted.set(decision.approverId, decision.answer);
  }
  const answers = [...counted.values()];
  const approvals = answers.filter((answer) => answer === 'approve').length;
  const rejections = answers.length - approvals;
  const outcome = rejections >= request.rejectionsToDeny ? 'rejected' : approvals >= request.approvalsRequired ? 'approved' : 'waiting_approval';
  return { approvals, rejections, outcome };
}

/** What the approver says and what the run (or schedule) now binds to. */
export interface AnswerInput {
  readonly approverId: string;
  readonly answer: ApprovalAnswer;
  readonly justification: string;
  /** The binding hash of the task as it is now. */
  readonly currentBindingHash: string;
  readonly now: number;
}

/**
 * Checks an answer may be given, in the order a person would want to hear about it:
 * the request is open and unexpired, the task is unchanged, the approver is not the
 * requester, may answer, has not answered yet, and gave a justification.
 */
export function assertMayAnswer(request: ApprovalRequest, decisions: readonly ApprovalDecision[], input: AnswerInput): void {
  if (request.state !== 'waiting_approval') throw closed(request.state);
  if (request.expiresAt !== null && input.now >= request.expiresAt) throw closed('expired');
  if (input.currentBindingHash !== request.bindingHash) {
    throw new OstiaryError('OST_CONFLICT', 'the task changed after this request was made; the approval no longer applies', { details: { reason: 'binding_changed' } });
  }
  if (input.approverId === request.requesterId) {
    throw new OstiaryError('OST_FORBIDDEN', 'the requester cannot approve or reject their own request', { details: { permission: 'approval:decide', reason: 'self_approval' } });
  }
  if (!request.approvers.includes(input.approverId)) {
    throw new OstiaryError('OST_FORBIDDEN', 'this user is not an approver of the access group that governs this request', { details: { permission: 'approval:decide', reason: 'not_an_approver' } });
  }
  if (decisions.some((decision) => decision.approverId === input.approverId)) {
    throw new OstiaryError('OST_CONFLICT', 'this approver has already answered this request', { details: { reason: 'already_answered' } });
  }
  if (input.justification.trim() === '') throw validationError('justification', 'expected the approver\'s own justification');
}

/** Adds the answer and returns the new tally; throws as {@link assertMayAnswer}. */
export function answer(request: ApprovalRequest, decisions: readonly ApprovalDecision[], input: AnswerInput): { decision: ApprovalDecision; tally: Tally } {
  assertMayAnswer(request, decisions, input);
  const decision: ApprovalDecision = Object.freeze({
    approverId: input.approverId,
    answer: input.answer,
    justification: input.justification.trim(),
    decidedAt: input.now,
  });
  return { decision, tally: tally(request, [...decisions, decision]) };
}

/** Whether a waiting request has outlived its lifetime at `now`. */
export function isExpired(request: Pick<ApprovalRequest, 'state' | 'expiresAt'>, now: number): boolean {
  return request.state === 'waiting_approval' && request.expiresAt !== null && now >= request.expiresAt;
}

/** Refuses an access configuration under which the request could never be approved. */
export function assertApprovable(approvalsRequired: number, approvers: readonly string[]): void {
  if (approvalsRequired <= approvers.length) return;
  throw validationError('accessGroup.approvers', `the access rules need ${approvalsRequired} approvals but only ${approvers.length} approver(s) other than the requester can answer`);
}

function closed(state: ApprovalState): OstiaryError {
  return new OstiaryError('OST_CONFLICT', `this request is ${state.replace('_', ' ')} and takes no more answers`, { details: { reason: state } });
}
