import { sql, type Migration } from 'kysely';

/**
 * The queue's indexes now hold only the rows they serve: the claim index only `scheduled`
 * operations, the lease index and the per-device count only `running` ones. Before, every
 * operation stayed in all three for ever, so each status change rewrote an entry in each, and
 * finished operations (nearly all rows of a long-lived database) made the indexes the engine
 * reads on every claim grow without bound. Now an operation leaves them when it finishes:
 * fewer pages written per claim and report, and claim-path indexes as small as the live queue.
 *
 * SQLite and PostgreSQL both use a partial index for a query whose condition matches the
 * index's (`status = …` with the value bound: SQLite re-plans on the bound value, and
 * node-postgres's unnamed statements are planned with their values).
 * Append-only: never edit, add the next number.
 */
export function partialQueueIndexesMigration(): Migration {
  return {
    async up(db) {
      await db.schema.dropIndex('operations_claim').execute();
      await db.schema
        .createIndex('operations_claim')
        .on('operations')
        .columns(['priority desc', 'not_before', 'created_at', 'id'])
        .where(sql.ref('status'), '=', sql.lit('scheduled'))
        .execute();
      await db.schema.dropIndex('operations_lease').execute();
      await db.schema.createIndex('operations_lease').on('operations').column('lease_expires_at').where(sql.ref('status'), '=', sql.lit('running')).execute();
      await db.schema.dropIndex('operations_device_status').execute();
      await db.schema.createIndex('operations_device_running').on('operations').column('device_id').where(sql.ref('status'), '=', sql.lit('running')).execute();
      // Lists of one device's operations (any status) keep an index of their own.
      await db.schema.createIndex('operations_device').on('operations').columns(['device_id', 'created_at']).execute();
    },
  };
}
