import type { ColumnDataType, ColumnDefinitionBuilder } from 'kysely';

/**
 * Column types that differ between dialects, given to the migrations as data so that one
 * migration file serves both.
 */
export interface SchemaTypes {
  /** Binary values: `blob` on SQLite, `bytea` on PostgreSQL. */
  readonly bytes: ColumnDataType;
  /** Type of an auto-incrementing primary key column. */
  readonly serialType: ColumnDataType;
  /** Completes the definition of an auto-incrementing primary key column. */
  serialKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
}
