import { OstiaryError } from '../domain/index.js';

/** Throws the catalogue's `OST_NOT_FOUND` for an object the route looked up. */
export function notFound(kind: string, id: string): never {
  throw new OstiaryError('OST_NOT_FOUND', `${kind} ${id} does not exist`, { details: { kind, id } });
}
