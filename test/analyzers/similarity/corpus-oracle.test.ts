// ssdeep and TLSH over every file of the shared corpus (AUTOSOC_CORPUS, read in place) against
// what Debian's ssdeep 2.14.1 and tlsh 3.4.4 printed for the same files
// (test/fixtures/similarity/corpus-expected.json, recorded by record-corpus.ts): every hash, and
// the score of every pair of files (only the pairs above zero are recorded; all others are 0).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ssdeepCompare, ssdeepHash } from '../../../src/analyzers/similarity/ssdeep';
import { tlshHash } from '../../../src/analyzers/similarity/tlsh';
import expected from '../../fixtures/similarity/corpus-expected.json';
import { corpusPath } from '../../helpers/corpus';

let files: { file: string; bytes: Buffer }[];
let signatures: string[];

beforeAll(() => {
  files = expected.inputs.map((e) => ({ file: e.file, bytes: readFileSync(corpusPath(e.file)) }));
  signatures = files.map((f) => ssdeepHash(f.bytes));
});

describe('the corpus against Debian ssdeep and tlsh', () => {
  it('reads the files the hashes were recorded from', () => {
    // A changed corpus must fail loudly: re-record (README.md) and review the diff.
    expect(files.map((f) => `${f.file} ${f.bytes.length} ${createHash('sha256').update(f.bytes).digest('hex')}`)).toEqual(
      expected.inputs.map((e) => `${e.file} ${e.size} ${e.sha256}`),
    );
    expect(files.length).toBeGreaterThan(400);
  });

  it('gives the ssdeep signature Debian ssdeep printed for every file', () => {
    expect(files.map((f, i) => `${f.file} ${signatures[i]}`)).toEqual(expected.inputs.map((e) => `${e.file} ${e.ssdeep}`));
  });

  it('gives the TLSH digest Debian tlsh printed for every file', () => {
    expect(files.map((f) => `${f.file} ${tlshHash(f.bytes) ?? null}`)).toEqual(expected.inputs.map((e) => `${e.file} ${e.tlsh}`));
  });

  it('scores every pair of files as ssdeep -a -k did', () => {
    const matches: number[][] = [];
    for (let i = 0; i < signatures.length; i++) {
      for (let j = 0; j < signatures.length; j++) {
        const score = i === j ? 0 : ssdeepCompare(signatures[i], signatures[j]);
        if (score !== 0) matches.push([i, j, score]);
      }
    }
    expect(matches).toEqual(expected.matches);
    expect(matches.length).toBeGreaterThan(100);
  });
});
