// Terminal tables: aligned columns, and untrusted text that cannot drive the terminal.
import { cell, renderTable } from '../../src/cli/table';

test('columns are aligned to the widest cell; the last column is not padded', () => {
  const out = renderTable(
    [
      { header: 'ID', value: (r: { id: string; title: string }) => r.id },
      { header: 'TITLE', value: (r) => r.title },
    ],
    [
      { id: '7', title: 'short' },
      { id: 'alert:x:long-id', title: 'a longer title' },
    ],
  );
  expect(out).toBe(['ID               TITLE', '7                short', 'alert:x:long-id  a longer title', ''].join('\n'));
});

test('control, escape and bidi characters are replaced; null is "-"; long text is cut by characters', () => {
  expect(cell('\u001b[2J\u001b]0;owned\u0007title\r\nnext')).toBe(' [2J ]0;owned title  next');
  expect(cell('evil\u202egnp.exe \u2066x\u2069')).toBe('evil gnp.exe  x ');
  expect(cell('\u009b31m')).toBe(' 31m');
  expect(cell(null)).toBe('-');
  expect(cell(undefined)).toBe('-');
  expect(cell('😀'.repeat(10), 5)).toBe('😀😀😀😀…');
  expect(cell('abc', 5)).toBe('abc');
});
