// VBA keyword rules: the file-write shape `Open <path> For Output` is an ordered-token match,
// answering as the regex it replaced (which was quadratic on a line of Opens: the ReDoS scan in
// test/hostile/redos.test.ts now checks the parts and no longer allows the old pattern).
import { findKeywords } from '../../../src/analyzers/documents/vba-keywords';

const fileWrite = (source: string) => findKeywords(source).find((h) => h.id === 'file-write');
const REFERENCE = /\bOpen\s+.+\s+For\s+(?:Output|Binary|Append)\b/i;

test.each([
  ['Open "C:\\Users\\Public\\a.bat" For Output As #1', true],
  ['Open   x   For   Binary Access Write As #2', true],
  ['Open    For Append As #1', true],
  ['Open  For Output', false],
  ['Open "a.txt" For Input As #1', false],
  ['Reopen x For Output', false],
  ['Open x ForOutput', false],
])('%s → %s (as the old regex)', (line, hit) => {
  expect(REFERENCE.test(line)).toBe(hit);
  expect(fileWrite(`Sub A()\n  ${line}\nEnd Sub`) !== undefined).toBe(hit);
});

test('other file-writing calls still count, one per call', () => {
  expect(fileWrite('Sub A()\n  FileCopy "a", "b"\n  Kill sPath\nEnd Sub')?.count).toBe(2);
});
