import pg from 'pg';
import type { CustomTypesConfig } from 'pg';

/** OID of PostgreSQL's `int8` (`bigint`): times in epoch ms, counts and outbox seqs. */
const INT8_OID = 20;

/**
 * node-postgres returns int8 as a string because it may exceed 2^53. Ours are epoch
 * milliseconds, counts and sequence numbers, all far below that, so they become numbers.
 * Given per pool and client rather than set globally, so other pg users are not affected.
 */
export const ostiaryPgTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

function parseInt8(value: string): number {
  return Number(value);
}
