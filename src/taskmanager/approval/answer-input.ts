import { z } from 'zod';
import type { AnswerVerdict, ApprovalRecord, ApprovalTerms } from '../../store/task-manager-store.js';
import { answer as decide } from './approval-tally.js';
import { parseInput } from '../../domain/index.js';

/** An approver's answer as the API receives it. */
export interface AnswerInput {
  readonly answer: 'approve' | 'reject';
  readonly justification: string;
}

const answerSchema = z.object({
  answer: z.enum(['approve', 'reject'], { error: 'expected approve or reject' }),
  justification: z.string().max(4000, 'expected at most 4000 characters'),
}).strict();

export function parseAnswerInput(input: unknown, field = 'approval'): AnswerInput {
  return Object.freeze(parseInput(answerSchema, input, field));
}

export interface JudgeInput {
  readonly requesterId: string;
  readonly terms: ApprovalTerms;
  readonly approvals: readonly ApprovalRecord[];
  readonly currentBindingHash: string;
  readonly approverId: string;
  readonly now: number;
  readonly answer: AnswerInput;
}

/** Applies the approval rules to one answer, inside the store's transaction; throws to refuse. */
export function judgeAnswer(input: JudgeInput): AnswerVerdict {
  const request = { requesterId: input.requesterId, ...input.terms };
  const decisions = input.approvals.map((approval) => ({ ...approval }));
  const { decision, tally } = decide(request, decisions, {
    approverId: input.approverId,
    answer: input.answer.answer,
    justification: input.answer.justification,
    currentBindingHash: input.currentBindingHash,
    now: input.now,
  });
  return { answer: decision.answer, justification: decision.justification, outcome: tally.outcome };
}
