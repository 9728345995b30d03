/** Shapes and table columns the `ostiary tasks` commands share. */
import { shortTime } from '../client/client-output.js';

/** A run as `/api/v1/runs` shows it (the fields the CLI prints). */
export interface RunLine {
  readonly id: string;
  readonly taskId: string;
  readonly origin: string;
  readonly requesterName: string;
  readonly approval: { readonly state: string };
  readonly totals: { readonly total: number; readonly processed: number; readonly errors: number };
  readonly progress: string;
  readonly createdAt: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];

export const runColumns = {
  RUN: (run: RunLine) => run.id,
  ORIGIN: (run: RunLine) => run.origin,
  REQUESTER: (run: RunLine) => run.requesterName,
  APPROVAL: (run: RunLine) => run.approval.state,
  PROGRESS: (run: RunLine) => run.progress,
  'TOTAL/DONE/ERRORS': (run: RunLine) => `${run.totals.total}/${run.totals.processed}/${run.totals.errors}`,
  CREATED: (run: RunLine) => shortTime(run.createdAt),
};

