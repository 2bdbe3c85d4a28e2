import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../scripts/import-iocs';
import { judgeIocMatches } from '../../src/intel/ioc-match';
import { importIocs, mergeDuplicates, parseFeed } from '../../src/intel/import';
import { lookupIocs } from '../../src/store/iocs';
import { openTestDatabase, type TestDatabase } from '../helpers/database';

// Every row this file writes has a source starting with PREFIX, and its values are used by
// no other test (203.0.113.145-151, 198.51.100.223-225, *.invoice-portal.example ...).
const PREFIX = 'intel-test:';
const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/intel', name), 'utf8');
const SHA256 = '6ca4d8f901ad601e358fb29a4f7fa5d69218060fc5b8ad819f22fe3ba3c9412a';

let db: TestDatabase;

// A reused database (CI's PostgreSQL) may hold these values from an earlier run or a manual
// import: clear them by value too, so "added" counts start from nothing.
const VALUES = [
  ...['misp-event.json', 'stix-bundle.json', 'urlhaus-recent.csv', 'indicators.csv', 'blocklist.txt'].flatMap((f) =>
    parseFeed(fixture(f), f.endsWith('.json') ? (f.startsWith('misp') ? 'misp' : 'stix') : 'csv').iocs.map((i) => i.value.toLowerCase()),
  ),
  'short-lived.invoice-portal.example',
  'dup.invoice-portal.example',
  '203.0.113.148',
  '203.0.113.149',
  '203.0.113.150',
  '203.0.113.151',
];

async function clean(): Promise<void> {
  await db.pool.query('DELETE FROM iocs WHERE source LIKE $1 OR value = ANY($2)', [`${PREFIX}%`, VALUES]);
}

beforeAll(async () => {
  db = await openTestDatabase();
});
beforeEach(clean);
afterAll(async () => {
  await clean();
  await db.close();
});

describe('importIocs', () => {
  it('adds a MISP event and reports what it skipped and why', async () => {
    const r = await importIocs(db.pool, fixture('misp-event.json'), 'misp', `${PREFIX}misp`);
    expect(r).toMatchObject({ format: 'misp', source: `${PREFIX}misp`, parsed: 10, added: 10, updated: 0, unchanged: 0, skipped: 5 });
    expect(r.skippedReasons).toEqual({
      'to_ids is off': 1,
      'unsupported MISP attribute type text': 1,
      'unsupported MISP attribute type filename': 1,
      'not an MD5/SHA-1/SHA-256/SHA-512 hash': 1,
      'deleted attribute': 1,
    });
    const { rows } = await db.pool.query(
      `SELECT verdict, source, description, tags, external_id, expires_at FROM iocs WHERE type = 'ip' AND value = '203.0.113.145'`,
    );
    expect(rows).toEqual([
      {
        verdict: 'malicious',
        source: `${PREFIX}misp`,
        description: 'Invoice-lure phishing wave delivering a loader: loader C2',
        tags: ['tlp:green', 'misp-galaxy:malpedia="Example Loader"'],
        external_id: '5a17c0de-0000-4000-8000-000000006222',
        expires_at: null,
      },
    ]);
  });

  it('is idempotent: the same feed again changes nothing', async () => {
    await importIocs(db.pool, fixture('misp-event.json'), 'misp', `${PREFIX}misp`);
    const again = await importIocs(db.pool, fixture('misp-event.json'), 'misp', `${PREFIX}misp`);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 10 });
  });

  it('lets a later feed update what an earlier one added, and skips expired indicators', async () => {
    await importIocs(db.pool, fixture('misp-event.json'), 'misp', `${PREFIX}misp`);
    const r = await importIocs(db.pool, fixture('stix-bundle.json'), 'stix', `${PREFIX}stix`, { now: new Date('2025-03-15T00:00:00Z') });
    expect(r).toMatchObject({ parsed: 12, added: 4, updated: 7, unchanged: 0 });
    expect(r.skippedReasons['expired (valid_until has passed)']).toBe(1);
    const email = await lookupIocs(db.pool, [{ type: 'email', value: 'Billing@Invoice-Portal.example' }]);
    expect(email).toEqual([expect.objectContaining({ verdict: 'suspicious', source: `${PREFIX}stix` })]);
    expect(await lookupIocs(db.pool, [{ type: 'ip', value: '198.51.100.224' }])).toEqual([]);
  });

  it('feeds the threat-intel analyzer: an imported indicator turns an alert malicious', async () => {
    await importIocs(db.pool, fixture('urlhaus-recent.csv'), 'csv', `${PREFIX}urlhaus`);
    const candidates = [
      { type: 'url' as const, value: 'http://invoice-portal.example/dl/inv_2025.zip' },
      { type: 'ip' as const, value: '192.0.2.250' },
    ];
    const f = judgeIocMatches(candidates.length, await lookupIocs(db.pool, candidates));
    expect(f.verdict).toBe('malicious');
    expect(f.evidence).toEqual([
      `url http://invoice-portal.example/dl/inv_2025.zip is malicious per ${PREFIX}urlhaus (malware_download (online))`,
    ]);
  });

  it('prunes indicators once their expiry passes', async () => {
    const bundle = JSON.stringify({
      type: 'bundle',
      id: 'bundle--x',
      objects: [
        {
          type: 'indicator',
          id: 'indicator--x',
          pattern: "[domain-name:value = 'short-lived.invoice-portal.example']",
          pattern_type: 'stix',
          valid_until: '2025-03-20T00:00:00Z',
        },
      ],
    });
    const first = await importIocs(db.pool, bundle, 'stix', `${PREFIX}stix`, { now: new Date('2025-03-15T00:00:00Z') });
    expect(first.added).toBe(1);
    const probe = [{ type: 'domain' as const, value: 'short-lived.invoice-portal.example' }];
    expect(await lookupIocs(db.pool, probe, new Date('2025-03-15T00:00:00Z'))).toHaveLength(1);
    expect(await lookupIocs(db.pool, probe, new Date('2025-03-20T00:00:01Z'))).toEqual([]); // expired, even before pruning
    const later = await importIocs(db.pool, '203.0.113.150\n', 'csv', `${PREFIX}list`, { now: new Date('2025-03-21T00:00:00Z') });
    expect(later.pruned).toBeGreaterThanOrEqual(1);
    expect(await lookupIocs(db.pool, probe, new Date('2025-03-15T00:00:00Z'))).toEqual([]); // pruned: gone at any time
  });

  it('gives feeds without expiry one when asked (expireAfterMs)', async () => {
    const now = new Date('2025-03-15T00:00:00Z');
    await importIocs(db.pool, '203.0.113.151\n', 'csv', `${PREFIX}list`, { now, expireAfterMs: 7 * 86_400_000 });
    const { rows } = await db.pool.query(`SELECT expires_at FROM iocs WHERE type = 'ip' AND value = '203.0.113.151'`);
    expect(rows[0].expires_at.toISOString()).toBe('2025-03-22T00:00:00.000Z');
  });

  it('merges duplicates (case-insensitively, the worse verdict wins) before writing', async () => {
    const text = 'indicator,verdict,tags\nDup.Invoice-Portal.example,suspicious,a\ndup.invoice-portal.example,malicious,b\n';
    const r = await importIocs(db.pool, text, 'csv', `${PREFIX}dups`);
    expect(r).toMatchObject({ parsed: 2, added: 1, skipped: 1, skippedReasons: { 'duplicate in feed (merged)': 1 } });
    const { rows } = await db.pool.query(`SELECT verdict, tags FROM iocs WHERE value = 'dup.invoice-portal.example'`);
    expect(rows).toEqual([{ verdict: 'malicious', tags: ['a', 'b'] }]);
  });

  it('writes large feeds in batches', async () => {
    const ips = Array.from({ length: 1_234 }, (_, i) => `100.64.${Math.floor(i / 250)}.${i % 250}`);
    const r = await importIocs(db.pool, ips.join('\n'), 'csv', `${PREFIX}bulk`);
    expect(r).toMatchObject({ parsed: 1_234, added: 1_234, skipped: 0 });
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM iocs WHERE source = $1', [`${PREFIX}bulk`]);
    expect(rows[0].n).toBe(1_234);
  });

  it('rejects a feed that is not of its format, and a blank source', async () => {
    await expect(importIocs(db.pool, '{"type": "bundle", "objects": []}', 'misp', `${PREFIX}x`)).rejects.toThrow(/no MISP event/);
    await expect(importIocs(db.pool, '1.2.3.4', 'csv', '  ')).rejects.toThrow(/source/);
  });
});

describe('mergeDuplicates', () => {
  it('keeps an indicator alive when any entry has no expiry, else the later expiry', () => {
    const a = { type: 'ip' as const, value: '192.0.2.9', verdict: 'malicious' as const, tags: [] };
    const early = new Date('2025-01-01'),
      late = new Date('2026-01-01');
    expect(
      mergeDuplicates([
        { ...a, expiresAt: early },
        { ...a, expiresAt: late },
      ]).unique[0].expiresAt,
    ).toEqual(late);
    expect(mergeDuplicates([{ ...a, expiresAt: early }, { ...a }]).unique[0].expiresAt).toBeUndefined();
  });
});

describe('import-iocs CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'import-iocs-'));
  const run = async (args: string[], env: NodeJS.ProcessEnv = { DATABASE_URL: process.env.DATABASE_URL }) => {
    const out: string[] = [],
      err: string[] = [];
    const code = await main(args, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('imports a file and prints the counts and skip reasons', async () => {
    const file = join(dir, 'stix.json');
    writeFileSync(file, fixture('stix-bundle.json'));
    const r = await run(['--format', 'stix', '--source', `${PREFIX}cli`, file]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      new RegExp(`^${PREFIX}cli \\(stix\\): 12 indicator\\(s\\) read; added 11, updated 0, unchanged 0, skipped 6; pruned \\d+ expired`),
    );
    expect(r.out).toContain('1 × revoked indicator');
    expect(r.out).toContain('1 × expired (valid_until has passed)');
    expect(await lookupIocs(db.pool, [{ type: 'hash', value: SHA256 }])).toEqual([
      expect.objectContaining({ source: `${PREFIX}cli`, verdict: 'malicious' }),
    ]);
  });

  it('takes a CSV column mapping and a fixed type', async () => {
    const file = join(dir, 'feed.csv');
    writeFileSync(file, '203.0.113.148;ExampleRAT\n203.0.113.149;ExampleRAT\n');
    const r = await run([
      '--format',
      'csv',
      '--source',
      `${PREFIX}cli-csv`,
      '--delimiter',
      ';',
      '--columns',
      'value=0,description=1',
      '--type',
      'ip',
      '--csv-preset',
      'columns',
      file,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('added 2');
    expect(await lookupIocs(db.pool, [{ type: 'ip', value: '203.0.113.148' }])).toEqual([
      expect.objectContaining({ description: 'ExampleRAT' }),
    ]);
  });

  it('exits 2 with a message for a bad format, a bad feed, a missing file or no DATABASE_URL', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"Event": ');
    expect(await run(['--format', 'yaml', bad])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/Allowed choices are misp, stix, csv/),
    });
    expect(await run(['--format', 'misp', '--source', `${PREFIX}x`, bad])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^not a valid misp feed: MISP feed is not JSON/),
    });
    expect(await run(['--format', 'misp', join(dir, 'missing.json')])).toMatchObject({ code: 2, err: expect.stringMatching(/ENOENT/) });
    expect(await run(['--format', 'misp', bad], {})).toMatchObject({ code: 2, err: expect.stringMatching(/DATABASE_URL is not set/) });
    expect(await run(['--format', 'csv', '--columns', 'colour=1', bad])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--columns/),
    });
  });
});
