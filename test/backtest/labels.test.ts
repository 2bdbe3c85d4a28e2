// --labels: a confusion matrix per format and every miss with its reasons.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BacktestRow } from '../../src/backtest/backtest';
import { compareWithLabels, readLabels, renderLabelReport } from '../../src/backtest/labels';

const row = (
  file: string,
  format: BacktestRow['format'],
  disposition: BacktestRow['disposition'],
  reasons: string[] = [],
): BacktestRow => ({ file, format, disposition, reasons, score: 10 });

test('counts expected × got per format and lists each miss with all its reasons', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labels-'));
  const file = join(dir, 'labels.jsonl');
  writeFileSync(
    file,
    [
      '{"file": "a.eml", "expected": "escalate"}',
      '{"file": "sub/b.cef", "expected": "auto_close"}',
      '',
      '{"file": "c.json", "expected": "reject"}',
    ].join('\n'),
  );
  const labels = readLabels(file);
  const report = compareWithLabels(
    [
      row('x/a.eml', 'eml', 'auto_close', ['score 14 is below the auto-close threshold 30']),
      row('b.cef', 'cef', 'auto_close'),
      row('c.json', 'ocsf', 'escalate'),
      row('d.json', 'ocsf', 'escalate'),
    ],
    labels,
  );
  expect(report.matrices.get('eml')!.escalate).toEqual({ escalate: 0, auto_close: 1, reject: 0 });
  expect(report.matrices.get('all')!.auto_close.auto_close).toBe(1);
  expect(report.misses.map((m) => [m.row.file, m.expected, m.got])).toEqual([
    ['x/a.eml', 'escalate', 'auto_close'],
    ['c.json', 'reject', 'escalate'],
  ]);
  expect(report.unlabelled).toBe(1);
  const text = renderLabelReport(report);
  expect(text).toContain('x/a.eml (eml): expected escalate, got auto_close (score 10)');
  expect(text).toContain('- score 14 is below the auto-close threshold 30');
});

test('a malformed labels line is an error naming the line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labels-'));
  const file = join(dir, 'bad.jsonl');
  writeFileSync(file, '{"file": "a.eml", "expected": "close"}\n');
  expect(() => readLabels(file)).toThrow(`${file}:1: needs "file" and "expected"`);
});
