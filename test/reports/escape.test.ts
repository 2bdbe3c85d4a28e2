import { escapeMarkdown } from '../../src/reports/escape';

/** Characters that start Markdown syntax must only survive behind a backslash. */
function unescaped(text: string, chars: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!chars.includes(text[i])) continue;
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 0) found.push(`${text[i]}@${i}`);
  }
  return found;
}

describe('escapeMarkdown', () => {
  it('leaves plain words alone', () => {
    expect(escapeMarkdown('Word spawned PowerShell')).toBe('Word spawned PowerShell');
  });

  it('neutralizes a javascript: link', () => {
    const out = escapeMarkdown('[x](javascript:alert(1))');
    expect(out).toBe('\\[x\\]\\(javascript:alert\\(1\\)\\)');
    expect(unescaped(out, '[]()')).toEqual([]);
  });

  it('neutralizes an image and a reference link', () => {
    const out = escapeMarkdown('![a](https://tracker.example/p.png) [b][1]\n[1]: https://evil.example');
    expect(unescaped(out, '!]([)')).toEqual([]);
    expect(out).not.toContain('\n');
  });

  it('turns HTML into text', () => {
    expect(escapeMarkdown('<script>alert(1)</script>')).toBe('&lt;script&gt;alert\\(1\\)&lt;/script&gt;');
    expect(escapeMarkdown('<img src=x onerror=alert(1)>')).not.toMatch(/[<>]/);
    expect(escapeMarkdown('<https://evil.example>')).not.toMatch(/[<>]/);
  });

  it('escapes ampersands so entities cannot be smuggled in', () => {
    expect(escapeMarkdown('&lt;script&gt; &#60;')).toBe('&amp;lt;script&amp;gt; &amp;\\#60;');
  });

  it('escapes emphasis, code, headings, lists, quotes, tables and strikethrough', () => {
    const out = escapeMarkdown('# Title *bold* _it_ `code` ~~gone~~ | a | b | - item + item 1. one {x} \\ end.');
    expect(unescaped(out, '#*_`~|-+.{}')).toEqual([]);
    expect(out).toContain('\\\\ end\\.');
  });

  it('keeps the text readable: unescaping gives back the input', () => {
    const input = 'C:\\Windows\\System32\\rundll32.exe comsvcs.dll, MiniDump 624 C:\\Temp\\l.dmp full';
    const out = escapeMarkdown(input);
    expect(out.replace(/\\(.)/g, '$1')).toBe(input);
  });

  it('folds line breaks and tabs into spaces so no block syntax can start', () => {
    const out = escapeMarkdown('line one\r\n# heading\n\n> quote\tand\r\n---');
    expect(out).not.toMatch(/[\r\n\t]/);
    expect(out).toBe('line one \\# heading &gt; quote and \\-\\-\\-');
  });

  it('clips long text before escaping and marks the cut', () => {
    const out = escapeMarkdown('a'.repeat(3000));
    expect(out).toBe(`${'a'.repeat(2000)}…`);
    expect(escapeMarkdown('abcdef', 3)).toBe('abc…');
    expect(escapeMarkdown('abc', 3)).toBe('abc');
  });

  it('cannot be broken by clipping in the middle of an escape', () => {
    // The cut happens on the raw text, so an escape sequence is never split.
    const out = escapeMarkdown('x'.repeat(9) + '[link](javascript:x)', 10);
    expect(out).toBe('xxxxxxxxx\\[…');
  });
});
