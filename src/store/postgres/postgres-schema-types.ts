import type { SchemaTypes } from '../schema-types.js';

export const postgresSchemaTypes: SchemaTypes = Object.freeze<SchemaTypes>({
  bytes: 'bytea',
  serialType: 'bigint',
  serialKey: (column) => column.primaryKey().generatedAlwaysAsIdentity().notNull(),
});
