import { OstiaryError } from '../domain/index.js';
import type { Operation } from '../domain/index.js';
import type { Store } from '../store/store.js';

/** The operation with that id, or `OST_NOT_FOUND` naming it. */
export async function requireOperation(store: Store, id: string): Promise<Operation> {
  const operation = await store.operations.get(id);
  if (operation) return operation;
  throw new OstiaryError('OST_NOT_FOUND', `operation: no operation ${JSON.stringify(id)}`, { details: { field: 'id' } });
}
