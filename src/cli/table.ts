// Plain column-aligned tables for the terminal. Cells are untrusted text (alert titles,
// reasons): control characters are replaced so that nothing can move the cursor or recolour
// the terminal, and long cells are cut.
/** C0/C1 controls, line and paragraph separators, bidi embeddings, overrides and isolates. */
const isControl = (cp: number) =>
  cp < 0x20 ||
  (cp >= 0x7f && cp <= 0x9f) ||
  cp === 0x2028 ||
  cp === 0x2029 ||
  (cp >= 0x202a && cp <= 0x202e) ||
  (cp >= 0x2066 && cp <= 0x2069);

/** One line of untrusted text, safe to print: no control or bidi characters, at most max chars. */
export function cell(value: unknown, max = 80): string {
  const text = value === null || value === undefined ? '-' : String(value);
  const chars = Array.from(text, (c) => (isControl(c.codePointAt(0)!) ? ' ' : c));
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  max?: number;
}

export function renderTable<T>(columns: Column<T>[], rows: T[]): string {
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row), c.max)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => Array.from(r[i]).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v + ' '.repeat(widths[i] - Array.from(v).length)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}
