// Parsing the catalogue import formats (CSV with a header row, JSONL) into validated entries.
import { CatalogueFormatError, parseCatalogue, parseCsv } from '../../../src/analyzers/similarity/catalogue';
import ssdeepExpected from '../../fixtures/similarity/ssdeep-expected.json';
import tlshExpected from '../../fixtures/similarity/tlsh-expected.json';

const input = (name: string) => ({
  sha256: ssdeepExpected.inputs.find((e) => e.name === name)!.sha256,
  ssdeep: ssdeepExpected.inputs.find((e) => e.name === name)!.ssdeep,
  tlsh: tlshExpected.inputs.find((e) => e.name === name)!.tlsh!,
});
const bin = input('gen/binary');
const IMPHASH = '0123456789abcdef0123456789abcdef';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof CatalogueFormatError) return err.problems;
    throw err;
  }
  throw new Error('expected a CatalogueFormatError');
}

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and newlines, CRLF rows, and skips blank lines', () => {
    const rows = parseCsv('a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n\r\n1,,3');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 5, fields: ['1', '', '3'] },
    ]);
  });

  it('rejects an unterminated quote', () => {
    expect(problems(() => parseCsv('a,b\n"open,2'))).toEqual(['line 2: unterminated quoted field']);
  });
});

describe('parseCatalogue', () => {
  it('normalises hashes from CSV: upper-case sha256 and imphash, T1-prefixed lower-case TLSH, blanks', () => {
    const csv = [
      'label,verdict,family,sha256,ssdeep,tlsh,imphash,source,notes',
      `"Loader X, stage 2",Malicious,loaderx,${bin.sha256.toUpperCase()},${bin.ssdeep},T1${bin.tlsh.toLowerCase()},${IMPHASH.toUpperCase()},lab,ignored`,
      `Imports only,suspicious,,,,,${IMPHASH},lab,`,
    ].join('\n');
    expect(parseCatalogue(csv, 'csv')).toEqual([
      {
        label: 'Loader X, stage 2',
        verdict: 'malicious',
        family: 'loaderx',
        sha256: bin.sha256,
        ssdeep: bin.ssdeep,
        tlsh: bin.tlsh,
        imphash: IMPHASH,
        source: 'lab',
      },
      { label: 'Imports only', verdict: 'suspicious', imphash: IMPHASH, source: 'lab' },
    ]);
  });

  it('reads JSONL, with nulls for absent hashes and a byte-order mark', () => {
    const jsonl =
      `\uFEFF${JSON.stringify({ label: 'Deploy script', verdict: 'benign', source: 'it', ssdeep: bin.ssdeep, tlsh: null })}\n\n` +
      `${JSON.stringify({ label: 'x', verdict: 'malicious', source: 'feed', sha256: bin.sha256 })}\r\n`;
    expect(parseCatalogue(jsonl, 'jsonl')).toEqual([
      { label: 'Deploy script', verdict: 'benign', source: 'it', ssdeep: bin.ssdeep },
      { label: 'x', verdict: 'malicious', source: 'feed', sha256: bin.sha256 },
    ]);
  });

  it('rejects the whole file and lists every bad row by line', () => {
    const csv = [
      'label,verdict,source,sha256,ssdeep,tlsh,imphash',
      `ok,malicious,lab,${bin.sha256},,,`,
      'bad verdict,evil,lab,,,,' + IMPHASH,
      `bad hashes,benign,lab,abc,5:abc:def,${bin.tlsh.slice(1)},`,
      'no hash,benign,lab,,,,',
      ',malicious,lab,,,,' + IMPHASH,
    ].join('\n');
    expect(problems(() => parseCatalogue(csv, 'csv'))).toEqual([
      expect.stringMatching(/^line 3: verdict: /),
      'line 4: sha256: sha256 must be 64 hex digits',
      'line 4: ssdeep: ssdeep must be blocksize:sig1:sig2 as ssdeep prints it',
      'line 4: tlsh: tlsh must be 70 hex digits, optionally after T1',
      'line 5: entry: an entry needs at least one of sha256, ssdeep, tlsh, imphash',
      expect.stringMatching(/^line 6: label: /),
    ]);
  });

  it('rejects a header without the required columns, a ragged row, bad JSON and oversized fields', () => {
    expect(problems(() => parseCatalogue('label,verdict\nx,benign', 'csv'))).toEqual(['line 1: the header has no "source" column']);
    expect(problems(() => parseCatalogue('label,verdict,source\nx,benign', 'csv'))).toEqual(['line 2: 2 fields, the header has 3']);
    expect(problems(() => parseCatalogue('{"label":"x"}\n{oops', 'jsonl'))).toEqual(['line 2: not JSON']);
    expect(problems(() => parseCatalogue('[1,2]', 'jsonl'))).toEqual(['line 1: not a JSON object']);
    expect(
      problems(() =>
        parseCatalogue(JSON.stringify({ label: 'x'.repeat(1001), verdict: 'benign', source: 's', imphash: IMPHASH }), 'jsonl'),
      ),
    ).toEqual(['line 1: label is longer than 1000 characters']);
  });

  it('returns nothing for an empty file', () => {
    expect(parseCatalogue('', 'csv')).toEqual([]);
    expect(parseCatalogue('\n', 'jsonl')).toEqual([]);
  });
});
