// Import a threat-intel feed into the local IOC store (the iocs table the threat-intel
// analyzer matches alerts against).
//   DATABASE_URL=postgres://... node dist/scripts/import-iocs.js --format misp|stix|csv [--source NAME] FILE
// CSV: --csv-preset auto|urlhaus|columns|list, --columns value=url,description=threat,tags=tags,
// --type ip, --delimiter ';', --no-header. Expiry for feeds without one: --expire-after 30d.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { Pool } from 'pg';
import { parseDuration } from '../src/domain/duration';
import type { CsvColumns, CsvOptions } from '../src/intel/csv';
import { FeedFormatError } from '../src/intel/feed';
import { FEED_FORMATS, type FeedFormat, importIocs, type ImportResult } from '../src/intel/import';
import { migrate } from '../src/store/migrate';
import type { IocType } from '../src/intel/ioc';

const COLUMN_KEYS = ['value', 'type', 'verdict', 'description', 'tags', 'expires', 'id'] as const;

/** "value=url,tags=6" → a column mapping (names or 0-based indexes). */
export function parseColumns(text: string): CsvColumns {
  const out: Partial<Record<(typeof COLUMN_KEYS)[number], string | number>> = {};
  for (const part of text.split(',')) {
    const [key, col] = part.split('=').map((s) => s.trim());
    if (!COLUMN_KEYS.includes(key as (typeof COLUMN_KEYS)[number]) || !col)
      throw new Error(`--columns: "${part}" should be one of ${COLUMN_KEYS.join('|')}=NAME or =INDEX`);
    out[key as (typeof COLUMN_KEYS)[number]] = /^\d+$/.test(col) ? Number(col) : col;
  }
  if (out.value === undefined) throw new Error('--columns needs value=...');
  return out as CsvColumns;
}

export function formatResult(r: ImportResult): string {
  const reasons = Object.entries(r.skippedReasons)
    .sort((a, b) => b[1] - a[1])
    .map(([why, n]) => `\n  ${n} × ${why}`)
    .join('');
  return (
    `${r.source} (${r.format}): ${r.parsed} indicator(s) read; added ${r.added}, updated ${r.updated}, unchanged ${r.unchanged}, ` +
    `skipped ${r.skipped}; pruned ${r.pruned} expired${reasons}`
  );
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: CliIo = { out: console.log, err: console.error },
): Promise<number> {
  const program = new Command('import-iocs')
    .description('Import a MISP, STIX 2.1 or CSV threat-intel feed into the IOC store (DATABASE_URL)')
    .addOption(new Option('--format <format>', 'feed format').choices(FEED_FORMATS).makeOptionMandatory())
    .option('--source <name>', 'feed name recorded with each indicator (default: format:file name)')
    .addOption(new Option('--csv-preset <preset>', 'CSV shape').choices(['auto', 'urlhaus', 'columns', 'list']).default('auto'))
    .option('--columns <mapping>', 'CSV columns, e.g. value=url,description=threat,tags=tags')
    .addOption(new Option('--type <type>', 'type of every CSV row').choices(['ip', 'domain', 'url', 'hash', 'email']))
    .option('--delimiter <char>', 'CSV delimiter', ',')
    .option('--header', 'the first CSV row names the columns (default when --columns uses names)')
    .option('--no-header', 'the CSV has no header row (columns are indexes)')
    .option('--include-non-ids', 'MISP: import attributes with to_ids off, as suspicious')
    .option('--expire-after <duration>', 'expiry for indicators the feed gives none, e.g. 30d')
    .argument('<file>', 'feed file ("-" for stdin)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    return err instanceof CommanderError && err.exitCode === 0 ? 0 : 2;
  }
  const o = program.opts<{
    format: FeedFormat;
    source?: string;
    csvPreset: CsvOptions['preset'];
    columns?: string;
    type?: IocType;
    delimiter: string;
    header?: boolean;
    includeNonIds?: boolean;
    expireAfter?: string;
  }>();
  const file = program.args[0];
  if (!env.DATABASE_URL) {
    io.err('DATABASE_URL is not set (postgres://user:password@host:5432/autosoc)');
    return 2;
  }
  let csv: CsvOptions;
  let expireAfterMs: number | undefined;
  let text: string;
  try {
    csv = {
      preset: o.csvPreset,
      delimiter: o.delimiter,
      type: o.type,
      ...(o.columns ? { columns: parseColumns(o.columns) } : {}),
      ...(o.header !== undefined ? { header: o.header } : {}),
    };
    expireAfterMs = o.expireAfter ? parseDuration(o.expireAfter) : undefined;
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    io.err((err as Error).message);
    return 2;
  }
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 2 });
  try {
    await migrate(pool);
    const result = await importIocs(pool, text, o.format, o.source ?? `${o.format}:${basename(file)}`, {
      csv,
      expireAfterMs,
      misp: { includeNonIds: o.includeNonIds },
    });
    io.out(formatResult(result));
    return 0;
  } catch (err) {
    io.err(err instanceof FeedFormatError ? `not a valid ${o.format} feed: ${err.message}` : (err as Error).message);
    return err instanceof FeedFormatError ? 2 : 1;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
