import { formatTable } from '../text-table.js';

/** `--json` prints the API's JSON for scripts; otherwise a table for people. */
export interface OutputFlags {
  readonly json?: boolean;
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

export function printRows<T>(flags: OutputFlags, items: readonly T[], columns: Readonly<Record<string, (item: T) => string>>, empty: string): void {
  if (flags.json === true) return printJson(items);
  if (items.length === 0) return void console.log(empty);
  const headers = Object.keys(columns);
  console.log(formatTable(headers, items.map((item) => Object.values(columns).map((cell) => cell(item)))));
}

/** One object as `key: value` lines. */
export function printRecord(flags: OutputFlags, value: Record<string, unknown>): void {
  if (flags.json === true) return printJson(value);
  const width = Math.max(...Object.keys(value).map((key) => key.length));
  for (const [key, entry] of Object.entries(value)) {
    const text = entry === null || entry === undefined ? '-' : typeof entry === 'object' ? JSON.stringify(entry) : String(entry);
    console.log(`${key.padEnd(width)}  ${text}`);
  }
}

/** Tables show times to the second. */
export function shortTime(iso: string | null): string {
  return iso === null ? '-' : iso.replace(/\.\d{3}Z$/, 'Z');
}
