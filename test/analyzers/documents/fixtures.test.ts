import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractArchive } from '../../../src/analyzers/documents/archive';
import { FIXTURE_DIR, FIXTURES } from './fixtures';

const write = process.env.WRITE_DOCUMENT_FIXTURES === '1';

describe('committed document fixtures are what ./fixtures.ts makes', () => {
  test.each(Object.keys(FIXTURES) as (keyof typeof FIXTURES)[])('%s', async (name) => {
    const fresh = await FIXTURES[name]();
    const path = join(FIXTURE_DIR, name);
    if (write) writeFileSync(path, fresh);
    expect(existsSync(path)).toBe(true);
    const committed = readFileSync(path);
    if (name.endsWith('.zip')) {
      // Deflate output may differ between zlib builds: compare what the archives hold instead.
      const [a, b] = await Promise.all([extractArchive(committed, name, { maxDepth: 20 }), extractArchive(fresh, name, { maxDepth: 20 })]);
      expect(a.members.map((m) => [m.path, m.sha256 ?? m.size])).toEqual(b.members.map((m) => [m.path, m.sha256 ?? m.size]));
      expect(a.members.length).toBeGreaterThan(0);
    } else {
      expect(Buffer.from(fresh).equals(committed)).toBe(true);
    }
  });
});
