import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

/** Executions and time of one SQL text (numbers in it replaced by `?`, so statements group). */
export interface StatementFigures {
  readonly sql: string;
  count: number;
  /** better-sqlite3 `prepare`, which Kysely calls for every execution; 0 on PostgreSQL. */
  prepareMs: number;
  /** Until the driver returned the rows (on PostgreSQL: the round trip, overlapping other queries). */
  executeMs: number;
}

type Figures = Map<string, StatementFigures>;

/**
 * Times every statement either driver runs in this process, by wrapping better-sqlite3's
 * `prepare` and pg's `Client#query`. A diagnosis tool for benchmarks, never for production.
 */
export function timeStatements(): Figures {
  const figures: Figures = new Map();
  wrapSqlite(figures);
  wrapPostgres(figures);
  return figures;
}

function entry(figures: Figures, sql: string): StatementFigures {
  const key = sql.replace(/\s+/g, ' ').replace(/\b\d+\b/g, '?').trim();
  let found = figures.get(key);
  if (!found) figures.set(key, (found = { sql: key, count: 0, prepareMs: 0, executeMs: 0 }));
  return found;
}

type Method = (...args: unknown[]) => unknown;

function wrapSqlite(figures: Figures): void {
  const prototype = BetterSqlite3.prototype as unknown as { prepare: (sql: string) => Record<string, Method> };
  const prepare = prototype.prepare;
  prototype.prepare = function (this: unknown, sql: string) {
    const figure = entry(figures, sql);
    const began = performance.now();
    const statement = prepare.call(this, sql);
    figure.prepareMs += performance.now() - began;
    for (const name of ['run', 'all', 'get', 'iterate']) {
      const method = statement[name];
      if (typeof method !== 'function') continue;
      statement[name] = (...args: unknown[]) => {
        const started = performance.now();
        try {
          return method.apply(statement, args);
        } finally {
          figure.executeMs += performance.now() - started;
          figure.count += 1;
        }
      };
    }
    return statement;
  };
}

function wrapPostgres(figures: Figures): void {
  const prototype = pg.Client.prototype as unknown as { query: Method };
  const query = prototype.query;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
    const result = query.apply(this, args);
    if (text === undefined || !(result instanceof Promise)) return result;
    const figure = entry(figures, text);
    const began = performance.now();
    return result.finally(() => {
      figure.executeMs += performance.now() - began;
      figure.count += 1;
    });
  };
}
