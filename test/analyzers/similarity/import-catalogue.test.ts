// The catalogue import and candidate lookup against the real test database (migrations applied,
// 004_similarity.sql included), then the analyzer on what the store returns.
import { formatOf, importCatalogue } from '../../../scripts/import-catalogue';
import { findSimilar, similarityHashes } from '../../../src/analyzers/similarity/analyze';
import { CatalogueFormatError } from '../../../src/analyzers/similarity/catalogue';
import { listCatalogueCandidates } from '../../../src/store/similarity';
import { generatedInputs } from '../../fixtures/similarity/inputs';
import { openTestDatabase, type TestDatabase } from '../../helpers/database';

const generated = new Map(generatedInputs().map((i) => [i.name, i.bytes]));
const hashesOf = (name: string) => similarityHashes(generated.get(`gen/${name}`)!);
const IMPHASH = 'aabbccddeeff00112233445566778899';
// Every test writes under its own source, so runs and parallel suites never see each other's rows.
const SOURCE = `import-test-${process.pid}-${Date.now()}`;

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.pool.query('DELETE FROM similarity_catalogue WHERE source LIKE $1', [`${SOURCE}%`]);
  await db.close();
});

function csvOf(source: string, rows: { label: string; verdict: string; family?: string; name?: string; imphash?: string }[]): string {
  const lines = rows.map((r) => {
    const h = r.name ? hashesOf(r.name) : undefined;
    return [
      JSON.stringify(r.label),
      r.verdict,
      r.family ?? '',
      h?.sha256 ?? '',
      h?.ssdeep ?? '',
      h?.tlsh ? `T1${h.tlsh}` : '',
      r.imphash ?? '',
      source,
    ].join(',');
  });
  return ['label,verdict,family,sha256,ssdeep,tlsh,imphash,source', ...lines].join('\r\n');
}

const stored = async (source: string) =>
  (
    await db.pool.query(
      'SELECT label, verdict, family, sha256, ssdeep, tlsh, imphash FROM similarity_catalogue WHERE source = $1 ORDER BY label',
      [source],
    )
  ).rows;

describe('importCatalogue', () => {
  it('stores CSV entries with normalised hashes, and a re-import changes nothing', async () => {
    const source = `${SOURCE}-csv`;
    const csv = csvOf(source, [
      { label: 'Loader X', verdict: 'malicious', family: 'loaderx', name: 'binary', imphash: IMPHASH.toUpperCase() },
      { label: 'Deploy script', verdict: 'benign', name: 'text' },
    ]);
    expect(await importCatalogue(db.pool, csv, 'csv')).toEqual({ entries: 2, inserted: 2, updated: 0, unchanged: 0 });
    const bin = hashesOf('binary');
    expect(await stored(source)).toEqual([
      {
        label: 'Deploy script',
        verdict: 'benign',
        family: null,
        sha256: hashesOf('text').sha256,
        ssdeep: hashesOf('text').ssdeep,
        tlsh: hashesOf('text').tlsh,
        imphash: null,
      },
      {
        label: 'Loader X',
        verdict: 'malicious',
        family: 'loaderx',
        sha256: bin.sha256,
        ssdeep: bin.ssdeep,
        tlsh: bin.tlsh,
        imphash: IMPHASH,
      },
    ]);
    expect(await importCatalogue(db.pool, csv, 'csv')).toEqual({ entries: 2, inserted: 0, updated: 0, unchanged: 2 });
    const reclassified = csv.replace('"Deploy script",benign', '"Deploy script",suspicious');
    expect(await importCatalogue(db.pool, reclassified, 'csv')).toEqual({ entries: 2, inserted: 0, updated: 1, unchanged: 1 });
    expect((await stored(source)).map((r) => r.verdict)).toEqual(['suspicious', 'malicious']);
  });

  it('imports JSONL, keeping the last of duplicate rows', async () => {
    const source = `${SOURCE}-jsonl`;
    const row = { label: 'Imports only', verdict: 'suspicious', source, imphash: IMPHASH };
    const jsonl = [row, { ...row, verdict: 'malicious' }].map((r) => JSON.stringify(r)).join('\n');
    expect(await importCatalogue(db.pool, jsonl, 'jsonl')).toEqual({ entries: 2, inserted: 1, updated: 0, unchanged: 1 });
    expect(await stored(source)).toEqual([
      { label: 'Imports only', verdict: 'malicious', family: null, sha256: null, ssdeep: null, tlsh: null, imphash: IMPHASH },
    ]);
  });

  it('imports nothing from a file with a bad row', async () => {
    const source = `${SOURCE}-bad`;
    const csv = `${csvOf(source, [{ label: 'fine', verdict: 'benign', name: 'text' }])}\r\nbroken,malicious,,,,,nothex,${source}`;
    await expect(importCatalogue(db.pool, csv, 'csv')).rejects.toThrow(CatalogueFormatError);
    expect(await stored(source)).toEqual([]);
  });

  it('leaves the table to refuse malformed hashes written around the importer', async () => {
    await expect(
      db.pool.query(`INSERT INTO similarity_catalogue (label, verdict, source, tlsh) VALUES ('x', 'benign', $1, 'T1ABC')`, [
        `${SOURCE}-raw`,
      ]),
    ).rejects.toThrow(/check constraint/);
    await expect(
      db.pool.query(`INSERT INTO similarity_catalogue (label, verdict, source) VALUES ('x', 'benign', $1)`, [`${SOURCE}-raw`]),
    ).rejects.toThrow(/check constraint/);
  });
});

describe('listCatalogueCandidates + findSimilar', () => {
  it('returns the entries that could match and lets the analyzer judge them', async () => {
    const source = `${SOURCE}-lookup`;
    await importCatalogue(
      db.pool,
      csvOf(source, [
        { label: 'Loader X', verdict: 'malicious', family: 'loaderx', name: 'binary', imphash: IMPHASH },
        { label: 'Big blob', verdict: 'malicious', name: 'random-1000000' },
      ]),
      'csv',
    );
    // Only an ssdeep of an incomparable block size: no reason to fetch it.
    await importCatalogue(
      db.pool,
      JSON.stringify({ label: 'Far block size', verdict: 'malicious', source, ssdeep: '98304:abcdefghij:klmnopqrst' }),
      'jsonl',
    );

    const sample = { ...hashesOf('binary-changed-5'), imphash: IMPHASH };
    const candidates = (await listCatalogueCandidates(db.pool, sample)).filter((e) => e.source === source);
    expect(candidates.map((e) => e.label)).toEqual(['Loader X', 'Big blob']);
    expect(candidates[0]).toMatchObject({
      verdict: 'malicious',
      family: 'loaderx',
      imphash: IMPHASH,
      id: expect.any(Number),
      addedAt: expect.any(Date),
    });

    const byImphashOnly = (await listCatalogueCandidates(db.pool, { imphash: IMPHASH })).filter((e) => e.source === source);
    expect(byImphashOnly.map((e) => e.label)).toEqual(['Loader X']);
    const bySsdeepOnly = (await listCatalogueCandidates(db.pool, { ssdeep: '196608:abc:def' })).filter((e) => e.source === source);
    expect(bySsdeepOnly.map((e) => e.label)).toEqual(['Far block size']);

    const f = findSimilar(sample, candidates);
    expect(f).toMatchObject({ analyzer: 'similarity', verdict: 'malicious', score: 95 });
    expect(f.summary).toBe('shares code with Loader X (malicious), ssdeep 93, TLSH distance 3, same imphash');
  });
});

describe('formatOf', () => {
  it('follows the extension unless --format says otherwise', () => {
    expect(formatOf('refs.csv')).toBe('csv');
    expect(formatOf('refs.JSONL')).toBe('jsonl');
    expect(formatOf('refs.ndjson')).toBe('jsonl');
    expect(formatOf('refs.txt', 'csv')).toBe('csv');
    expect(() => formatOf('refs.txt')).toThrow(/--format/);
  });
});
