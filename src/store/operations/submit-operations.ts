import type { NewOperation, Operation } from '../../domain/index.js';
import type { StoreContext } from '../store-context.js';
import { newOperationRow, toOperation } from './operation-rows.js';
import { eventBase } from './operation-transition.js';

/** Rows per INSERT: 26 columns × 500 stays under SQLite's limit on bound parameters. */
const CHUNK = 500;

/**
 * Inserts the operations, one `operation.<status>` event each, and wakes workers after
 * commit. `fieldPrefix` names an input in validation errors (`operation`, `operations[3]`).
 */
export async function submitOperations(
  ctx: StoreContext,
  inputs: readonly NewOperation[],
  fieldPrefix: (index: number) => string,
): Promise<readonly Operation[]> {
  if (inputs.length === 0) return Object.freeze([]);
  return ctx.write(async (tx) => {
    const rows = inputs.map((input, index) => newOperationRow(input, tx.now, fieldPrefix(index)));
    for (let start = 0; start < rows.length; start += CHUNK) {
      await tx.db.insertInto('operations').values(rows.slice(start, start + CHUNK)).execute();
    }
    for (const row of rows) {
      tx.appendEvent(`operation.${row.status}`, row.id, { ...eventBase(row), from: null, to: row.status, requester: row.requester });
    }
    if (rows.some((row) => row.status === 'scheduled')) tx.wakeWorkers();
    return Object.freeze(rows.map(toOperation));
  });
}
