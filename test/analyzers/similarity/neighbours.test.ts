// Nearest neighbours and the 'similarity' finding, on generated near-copies whose ssdeep scores
// and TLSH distances Debian's tools recorded in the fixtures.
import { Finding } from '../../../src/domain/finding';
import { analyzeSimilarity, findSimilar, similarityHashes, SIMILARITY_ANALYZER } from '../../../src/analyzers/similarity/analyze';
import { GENERIC_IMPHASHES, nearestNeighbours, type Reference, type SampleHashes } from '../../../src/analyzers/similarity/neighbours';
import { generatedInputs } from '../../fixtures/similarity/inputs';
import ssdeepExpected from '../../fixtures/similarity/ssdeep-expected.json';
import tlshExpected from '../../fixtures/similarity/tlsh-expected.json';

const IMPHASH_A = '0123456789abcdef0123456789abcdef';
const IMPHASH_B = 'fedcba9876543210fedcba9876543210';
const generated = new Map(generatedInputs().map((i) => [i.name, i.bytes]));
const hashesOf = (name: string, imphash?: string) => similarityHashes(generated.get(`gen/${name}`)!, imphash);

/** What Debian recorded for a pair of inputs. */
function recorded(a: string, b: string): { ssdeep: number; tlsh: number } {
  const i = ssdeepExpected.inputs.findIndex((e) => e.name === `gen/${a}`);
  const j = ssdeepExpected.inputs.findIndex((e) => e.name === `gen/${b}`);
  const row = tlshExpected.distances.find(([x, y]) => x === Math.min(i, j) && y === Math.max(i, j))!;
  return { ssdeep: ssdeepExpected.scores[i][j], tlsh: row[2] };
}

function reference(name: string, label: string, verdict: Reference['verdict'], extra: Partial<Reference> = {}): Reference {
  const h = hashesOf(name);
  return { label, verdict, source: 'lab', sha256: h.sha256, ssdeep: h.ssdeep, tlsh: h.tlsh, ...extra };
}

const catalogue: Reference[] = [
  reference('binary', 'Loader X', 'malicious', { family: 'loaderx', imphash: IMPHASH_A }),
  reference('text', 'Deploy script', 'benign'),
  reference('small-text', 'Dropper note', 'suspicious'),
  reference('random-50000', 'Unrelated blob', 'malicious'),
];

describe('nearestNeighbours', () => {
  it('finds the near copy with the ssdeep score and TLSH distance Debian measured', () => {
    const [n, ...rest] = nearestNeighbours(hashesOf('binary-changed-5', IMPHASH_A), catalogue, 5);
    const r = recorded('binary-changed-5', 'binary');
    expect(r).toEqual({ ssdeep: 93, tlsh: 3 });
    expect(n).toMatchObject({
      ssdeepScore: 93,
      tlshDistance: 3,
      sameImphash: true,
      sameSha256: false,
      matched: ['ssdeep', 'tlsh', 'imphash'],
    });
    // Strongest signal TLSH (100 - 3/2 → 98), plus 5 for each of the two that agree.
    expect(n.similarity).toBe(100);
    expect(n.entry.label).toBe('Loader X');
    expect(rest).toEqual([]);
  });

  it('lets TLSH find a copy that ssdeep misses (60 bytes changed all over)', () => {
    expect(recorded('binary-changed-60', 'binary')).toEqual({ ssdeep: 0, tlsh: 13 });
    const [n] = nearestNeighbours(hashesOf('binary-changed-60'), catalogue, 5);
    expect(n).toMatchObject({ ssdeepScore: 0, tlshDistance: 13, matched: ['tlsh'], similarity: 94 });
  });

  it('compares ssdeep across block sizes (a file and the same file twice)', () => {
    const r = recorded('text-twice', 'text');
    const [n] = nearestNeighbours(hashesOf('text-twice'), catalogue, 5);
    expect(n).toMatchObject({ ssdeepScore: r.ssdeep, tlshDistance: r.tlsh, matched: ['ssdeep', 'tlsh'] });
    expect(n.entry.label).toBe('Deploy script');
  });

  it('applies the thresholds', () => {
    const sample = hashesOf('binary-first-half');
    const r = recorded('binary-first-half', 'binary'); // ssdeep 72, TLSH 187
    expect(nearestNeighbours(sample, catalogue, 5)[0]).toMatchObject({ ssdeepScore: r.ssdeep, tlshDistance: r.tlsh, matched: ['ssdeep'] });
    expect(nearestNeighbours(sample, catalogue, 5, { ssdeepMinScore: 80, tlshMaxDistance: 100 })).toEqual([]);
    expect(nearestNeighbours(sample, catalogue, 5, { ssdeepMinScore: 80, tlshMaxDistance: 200 })[0].matched).toEqual(['tlsh']);
  });

  it('returns nothing for an unrelated sample', () => {
    expect(nearestNeighbours(hashesOf('random-200000'), catalogue, 5)).toEqual([]);
  });

  it('counts an equal sha256 as identity and an equal imphash as a weaker signal', () => {
    const same = hashesOf('text');
    expect(nearestNeighbours(same, catalogue, 1)[0]).toMatchObject({
      sameSha256: true,
      similarity: 100,
      matched: ['sha256', 'ssdeep', 'tlsh'],
    });
    const importsOnly = nearestNeighbours({ imphash: IMPHASH_A.toUpperCase() }, catalogue, 5);
    expect(importsOnly).toHaveLength(1);
    expect(importsOnly[0]).toMatchObject({ matched: ['imphash'], similarity: 60, ssdeepScore: undefined, tlshDistance: undefined });
  });

  it('ignores the import hash every .NET assembly shares', () => {
    const [dotnet] = [...GENERIC_IMPHASHES];
    const cat = [{ ...catalogue[0], imphash: dotnet }];
    expect(nearestNeighbours({ imphash: dotnet }, cat, 5)).toEqual([]);
  });

  it('keeps the k most similar, ties going to the worse verdict', () => {
    const twins: Reference[] = [
      { label: 'b-good', verdict: 'benign', source: 's', imphash: IMPHASH_B },
      { label: 'a-good', verdict: 'benign', source: 's', imphash: IMPHASH_B },
      { label: 'z-bad', verdict: 'malicious', source: 's', imphash: IMPHASH_B },
      { label: 'm-meh', verdict: 'suspicious', source: 's', imphash: IMPHASH_B },
    ];
    expect(nearestNeighbours({ imphash: IMPHASH_B }, twins, 3).map((n) => n.entry.label)).toEqual(['z-bad', 'm-meh', 'a-good']);
    expect(nearestNeighbours({ imphash: IMPHASH_B }, twins, 0)).toEqual([]);
    expect(nearestNeighbours({ imphash: IMPHASH_B }, twins, 1e9)).toHaveLength(4);
  });

  it('skips catalogue entries whose stored hashes are malformed', () => {
    const sample = hashesOf('binary-changed-5');
    const broken = [{ ...catalogue[0], ssdeep: '768:not:a:signature', tlsh: 'T1XYZ' }];
    expect(nearestNeighbours(sample, broken, 5)).toEqual([]);
  });

  it('throws a TypeError on a malformed sample hash', () => {
    expect(() => nearestNeighbours({ ssdeep: 'garbage' }, catalogue, 5)).toThrow(TypeError);
    expect(() => nearestNeighbours({ tlsh: 'abc' }, catalogue, 5)).toThrow(/TLSH/);
    expect(() => nearestNeighbours({ imphash: 'xyz' }, catalogue, 5)).toThrow(/imphash/);
  });
});

describe('analyzeSimilarity', () => {
  const judge = (sample: SampleHashes, cat = catalogue) => analyzeSimilarity(sample, nearestNeighbours(sample, cat, 5));

  it('is malicious when the sample shares code with a catalogued malicious sample', () => {
    const f = judge(hashesOf('binary-changed-5', IMPHASH_A));
    expect(Finding.parse(f)).toEqual(f);
    expect(f).toMatchObject({ analyzer: SIMILARITY_ANALYZER, verdict: 'malicious', score: 95, confidence: 0.95, attack: [] });
    expect(f.summary).toBe('shares code with Loader X (malicious), ssdeep 93, TLSH distance 3, same imphash');
    expect(f.evidence).toEqual([
      `Loader X (malicious, family loaderx, source lab, sha256 ${catalogue[0].sha256}): ssdeep 93, TLSH distance 3, same imphash; similarity 100`,
    ]);
  });

  it('is only suspicious when the kinship with malware is weak (shared imports alone)', () => {
    const f = judge({ imphash: IMPHASH_A });
    expect(f).toMatchObject({ verdict: 'suspicious', score: 47, confidence: 0.66 });
    expect(f.summary).toBe('shares code with Loader X (malicious), same imphash');
  });

  it('is suspicious when the neighbour is a suspicious sample', () => {
    const r = recorded('small-text-changed-1', 'small-text');
    const f = judge(hashesOf('small-text-changed-1'));
    expect(f.verdict).toBe('suspicious');
    expect(f.summary).toBe(`shares code with Dropper note (suspicious), ssdeep ${r.ssdeep}, TLSH distance ${r.tlsh}`);
  });

  it('is benign when only known-good code is near, with capped confidence', () => {
    const r = recorded('text-changed-5', 'text');
    const f = judge(hashesOf('text-changed-5'));
    expect(f).toMatchObject({ verdict: 'benign', score: 0, confidence: 0.7 });
    expect(f.summary).toBe(`shares code with Deploy script (benign), ssdeep ${r.ssdeep}, TLSH distance ${r.tlsh}`);
  });

  it('halves confidence when a benign reference is closer than the malicious one', () => {
    // A benign build nearly identical to the sample, which is also TLSH-close (94) to Loader X.
    const vendor = { ...hashesOf('binary-changed-60'), sha256: undefined };
    const cat: Reference[] = [...catalogue, { label: 'Vendor SDK', verdict: 'benign', source: 'vendor', ...vendor }];
    const f = judge(hashesOf('binary-changed-60'), cat);
    expect(f).toMatchObject({ verdict: 'malicious', score: 92, confidence: 0.43 });
    expect(f.summary).toBe(
      'shares code with Loader X (malicious), TLSH distance 13; closer to Vendor SDK (benign), ssdeep 100, TLSH distance 0',
    );
  });

  it('is benign when the sample is a catalogued good file, whatever it resembles', () => {
    const cat: Reference[] = [...catalogue, { label: 'Vendor SDK', verdict: 'benign', source: 'vendor', ...hashesOf('binary-changed-60') }];
    const f = judge(hashesOf('binary-changed-60'), cat);
    expect(f).toMatchObject({ verdict: 'benign', score: 0, confidence: 0.9 });
    expect(f.summary).toBe('shares code with Vendor SDK (benign), same sha256, ssdeep 100, TLSH distance 0');
    expect(f.evidence).toHaveLength(2);
    // Unless the same file is also catalogued as bad.
    const conflicting = [...cat, { ...cat[cat.length - 1], label: 'Trojanised SDK', verdict: 'malicious' as const }];
    expect(judge(hashesOf('binary-changed-60'), conflicting).verdict).toBe('malicious');
  });

  it('is unknown when nothing in the catalogue is near, or there is nothing to compare', () => {
    expect(judge(hashesOf('random-200000'))).toMatchObject({
      verdict: 'unknown',
      score: 0,
      summary: 'shares no code with any catalogued sample',
    });
    expect(analyzeSimilarity({}, [])).toMatchObject({ verdict: 'unknown', confidence: 0 });
  });

  it('turns a malformed sample hash into a finding with error, not a throw', () => {
    const f = findSimilar({ ssdeep: '3:abc' }, catalogue);
    expect(f).toMatchObject({ analyzer: SIMILARITY_ANALYZER, verdict: 'unknown', score: 0, confidence: 0 });
    expect(f.error).toMatch(/ssdeep is malformed/);
    expect(findSimilar(hashesOf('binary-changed-5', IMPHASH_A), catalogue).verdict).toBe('malicious');
  });
});

describe('similarityHashes', () => {
  it('has sha256 and ssdeep always, TLSH from 256 varied bytes, and the imphash it is given', () => {
    expect(hashesOf('random-255')).toEqual({
      sha256: ssdeepExpected.inputs.find((e) => e.name === 'gen/random-255')!.sha256,
      ssdeep: ssdeepExpected.inputs.find((e) => e.name === 'gen/random-255')!.ssdeep,
    });
    expect(hashesOf('random-256', IMPHASH_A)).toMatchObject({
      tlsh: tlshExpected.inputs.find((e) => e.name === 'gen/random-256')!.tlsh,
      imphash: IMPHASH_A,
    });
    expect(hashesOf('zeros-1000').tlsh).toBeUndefined();
  });

  it('takes the sha256 the caller holds (the evidence store key) instead of hashing again', () => {
    const known = 'e'.repeat(64); // no input hashes to it: a recomputed digest would differ
    const bytes = generated.get('gen/random-256')!;
    expect(similarityHashes(bytes, undefined, known)).toEqual({ ...similarityHashes(bytes), sha256: known });
  });
});
