import type { Migration } from 'kysely';

/**
 * The claim query orders by (priority desc, not_before, created_at, id), and the claim index
 * of 0001 stopped before `id`: operations submitted in the same millisecond (a bulk submit, a
 * task run on many devices) then had to be sorted on every claim. With `id` in the index the
 * claim reads its first row straight from the index (measured by `bench/query-profile.ts`: on
 * SQLite the claim statement went from the costliest of the engine's path to negligible).
 * Append-only: never edit, add the next number.
 */
export function claimOrderIndexMigration(): Migration {
  return {
    async up(db) {
      await db.schema.dropIndex('operations_claim').execute();
      await db.schema
        .createIndex('operations_claim')
        .on('operations')
        .columns(['status', 'priority desc', 'not_before', 'created_at', 'id'])
        .execute();
    },
  };
}
