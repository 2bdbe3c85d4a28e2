// Checking a backtest against an analyst's past decisions: a labels file (JSON lines with
// `file` and `expected`: escalate | auto_close | reject) → a confusion matrix per format and
// every miss with its reasons.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { BacktestRow } from './backtest';

export const EXPECTED = ['escalate', 'auto_close', 'reject'] as const;
export type Expected = (typeof EXPECTED)[number];
type Got = 'escalate' | 'auto_close' | 'reject';

export function readLabels(path: string): Map<string, Expected> {
  const out = new Map<string, Expected>();
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let row: { file?: unknown; expected?: unknown };
      try {
        row = JSON.parse(line);
      } catch {
        throw new Error(`${path}:${i + 1}: not JSON`);
      }
      if (typeof row.file !== 'string' || !EXPECTED.includes(row.expected as Expected))
        throw new Error(`${path}:${i + 1}: needs "file" and "expected" (${EXPECTED.join('|')})`);
      out.set(basename(row.file), row.expected as Expected);
    });
  return out;
}

const gotOf = (r: BacktestRow): Got =>
  r.disposition === 'rejected' ? 'reject' : r.disposition === 'auto_close' ? 'auto_close' : 'escalate';

export interface LabelReport {
  matrices: Map<string, Record<Expected, Record<Got, number>>>;
  misses: { row: BacktestRow; expected: Expected; got: Got }[];
  unlabelled: number;
}

export function compareWithLabels(rows: BacktestRow[], labels: Map<string, Expected>): LabelReport {
  const matrices = new Map<string, Record<Expected, Record<Got, number>>>();
  const empty = () =>
    Object.fromEntries(EXPECTED.map((e) => [e, { escalate: 0, auto_close: 0, reject: 0 }])) as Record<Expected, Record<Got, number>>;
  const misses: LabelReport['misses'] = [];
  let unlabelled = 0;
  for (const row of rows) {
    const expected = labels.get(basename(row.file));
    if (!expected) {
      unlabelled += 1;
      continue;
    }
    const got = gotOf(row);
    for (const key of [row.format, 'all']) {
      if (!matrices.has(key)) matrices.set(key, empty());
      matrices.get(key)![expected][got] += 1;
    }
    // A hostile input that escalates is handled (never closed), but still shown as a miss.
    if (got !== expected) misses.push({ row, expected, got });
  }
  return { matrices, misses, unlabelled };
}

export function renderLabelReport(r: LabelReport): string {
  const lines: string[] = [];
  for (const [format, m] of [...r.matrices].sort(([a], [b]) => (a === 'all' ? 1 : b === 'all' ? -1 : a.localeCompare(b)))) {
    lines.push(`${format}: expected \\ got   escalate  auto_close  reject`);
    for (const e of EXPECTED)
      lines.push(
        `  ${e.padEnd(20)} ${String(m[e].escalate).padStart(8)}  ${String(m[e].auto_close).padStart(10)}  ${String(m[e].reject).padStart(6)}`,
      );
  }
  lines.push('', `${r.misses.length} miss(es)${r.unlabelled ? `, ${r.unlabelled} file(s) without a label` : ''}:`);
  for (const { row, expected, got } of r.misses) {
    lines.push(`  ${row.file} (${row.format}): expected ${expected}, got ${got}${row.score !== undefined ? ` (score ${row.score})` : ''}`);
    for (const reason of row.error ? [row.error] : row.reasons) lines.push(`      - ${reason}`);
  }
  return lines.join('\n');
}
