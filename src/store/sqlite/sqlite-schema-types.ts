import type { SchemaTypes } from '../schema-types.js';

export const sqliteSchemaTypes: SchemaTypes = Object.freeze<SchemaTypes>({
  bytes: 'blob',
  serialType: 'integer',
  // AUTOINCREMENT never reuses a seq, even after the newest rows were deleted.
  serialKey: (column) => column.primaryKey().autoIncrement().notNull(),
});
