// Round trips to PostgreSQL made by this process (API, ingest and an in-process worker), counted
// at pg's Client.query, which pool.query goes through too: a figure load does not change.
import { Client } from 'pg';

export interface QueryCounts {
  total: number;
  byStatement: { statement: string; count: number }[];
}

/** Counts every query from now on, except the bench's own (`exclude`); stop() restores pg and returns the counts. */
export function countQueries(exclude: RegExp): { stop(): QueryCounts } {
  const original = Client.prototype.query;
  const counts = new Map<string, number>();
  (Client.prototype as { query: unknown }).query = function countedQuery(this: Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : first?.text;
    if (text && !exclude.test(text)) {
      const statement = text.replace(/\s+/g, ' ').trim().slice(0, 80);
      counts.set(statement, (counts.get(statement) ?? 0) + 1);
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  return {
    stop() {
      Client.prototype.query = original;
      const byStatement = [...counts].map(([statement, count]) => ({ statement, count })).sort((a, b) => b.count - a.count);
      return { total: byStatement.reduce((s, q) => s + q.count, 0), byStatement };
    },
  };
}
