// Imports reference samples into the similarity catalogue from a CSV (with a header row) or
// JSONL file with the fields label, verdict, family, sha256, ssdeep, tlsh, imphash, source:
//   DATABASE_URL=postgres://... node dist/scripts/import-catalogue.js FILE [--format csv|jsonl]
// The format follows the extension (.csv; .jsonl/.ndjson) unless --format says otherwise.
// A file with any bad row is rejected whole, every problem listed by line.
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Pool } from 'pg';
import { CATALOGUE_MAX_TEXT_BYTES, parseCatalogue, type CatalogueFormat } from '../src/analyzers/similarity/catalogue';
import { migrate } from '../src/store/migrate';
import { addCatalogueEntries } from '../src/store/similarity';

export async function importCatalogue(pool: Pool, text: string, format: CatalogueFormat) {
  const entries = parseCatalogue(text, format);
  return { entries: entries.length, ...(await addCatalogueEntries(pool, entries)) };
}

export function formatOf(file: string, flag?: string): CatalogueFormat {
  const f = (flag ?? extname(file).slice(1)).toLowerCase();
  if (f === 'csv') return 'csv';
  if (f === 'jsonl' || f === 'ndjson') return 'jsonl';
  throw new Error(`cannot tell the format of ${file}: name it .csv or .jsonl, or pass --format csv|jsonl`);
}

async function main(argv: string[]): Promise<void> {
  const formatAt = argv.indexOf('--format');
  const flag = formatAt >= 0 ? argv[formatAt + 1] : undefined;
  const files = formatAt >= 0 ? [...argv.slice(0, formatAt), ...argv.slice(formatAt + 2)] : argv;
  if (files.length !== 1) throw new Error('usage: import-catalogue FILE [--format csv|jsonl]');
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must name the PostgreSQL server (postgres://...)');
  const [file] = files;
  const format = formatOf(file, flag);
  if (statSync(file).size > CATALOGUE_MAX_TEXT_BYTES) throw new Error(`${file} exceeds ${CATALOGUE_MAX_TEXT_BYTES} bytes`);
  const pool = new Pool({ connectionString: url, max: 2 });
  try {
    await migrate(pool);
    const r = await importCatalogue(pool, readFileSync(file, 'utf8'), format);
    console.log(`${file}: ${r.entries} entries, ${r.inserted} added, ${r.updated} updated, ${r.unchanged} unchanged`);
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
