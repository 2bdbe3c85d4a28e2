// The local catalogue of reference samples (known bad and known good) that a sample is compared
// with, and the CSV / JSONL format it is imported from. Hashes are normalised here so the store
// and the comparison see one spelling: lower-case sha256/imphash, TLSH without "T1", upper case.
import { z } from 'zod';
import { isSsdeepSignature } from './ssdeep';
import { normalizeTlsh } from './tlsh';

export const CATALOGUE_VERDICTS = ['malicious', 'suspicious', 'benign'] as const;
export type CatalogueVerdict = (typeof CATALOGUE_VERDICTS)[number];

/** Limits of one import: the whole text, the rows, one field. */
export const CATALOGUE_MAX_TEXT_BYTES = 64 * 1024 * 1024;
export const CATALOGUE_MAX_ROWS = 500_000;
const MAX_FIELD_CHARS = 1000;

const blankToUndefined = (v: unknown) => ((typeof v === 'string' && v.trim() === '') || v === null ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

export const CatalogueEntryInput = z
  .object({
    label: z.string().trim().min(1).max(200),
    verdict: z.string().trim().toLowerCase().pipe(z.enum(CATALOGUE_VERDICTS)),
    family: optional(z.string().trim().max(200)),
    source: z.string().trim().min(1).max(200),
    sha256: optional(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 hex digits'),
    ),
    ssdeep: optional(z.string().trim().refine(isSsdeepSignature, 'ssdeep must be blocksize:sig1:sig2 as ssdeep prints it')),
    tlsh: optional(
      z
        .string()
        .refine((v) => normalizeTlsh(v) !== undefined, 'tlsh must be 70 hex digits, optionally after T1')
        .transform((v) => normalizeTlsh(v)!),
    ),
    imphash: optional(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[0-9a-f]{32}$/, 'imphash must be 32 hex digits'),
    ),
  })
  .refine((e) => e.sha256 || e.ssdeep || e.tlsh || e.imphash, 'an entry needs at least one of sha256, ssdeep, tlsh, imphash');
export type CatalogueEntryInput = z.infer<typeof CatalogueEntryInput>;

/** A stored catalogue entry. */
export interface CatalogueEntry extends CatalogueEntryInput {
  id: number;
  addedAt: Date;
}

export type CatalogueFormat = 'csv' | 'jsonl';

export class CatalogueFormatError extends Error {
  constructor(readonly problems: string[]) {
    super(`catalogue rejected: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
  }
}

/**
 * RFC 4180 CSV: fields separated by commas, optionally double-quoted ("" inside quotes is a
 * quote), rows ending in LF or CRLF. Returns rows with the 1-based line each starts on.
 */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      i++;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') {
      i++;
      continue;
    }
    if (c === '\n') {
      endRow();
      line++;
      rowLine = line;
      i++;
      continue;
    }
    field += c;
    i++;
  }
  if (quoted) throw new CatalogueFormatError([`line ${rowLine}: unterminated quoted field`]);
  endRow();
  return rows;
}

function records(text: string, format: CatalogueFormat): { line: number; record: Record<string, unknown> }[] {
  if (format === 'jsonl') {
    const out: { line: number; record: Record<string, unknown> }[] = [];
    text.split('\n').forEach((raw, i) => {
      if (raw.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new CatalogueFormatError([`line ${i + 1}: not JSON`]);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new CatalogueFormatError([`line ${i + 1}: not a JSON object`]);
      out.push({ line: i + 1, record: value as Record<string, unknown> });
    });
    return out;
  }
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const names = header.fields.map((h) => h.trim().toLowerCase());
  for (const required of ['label', 'verdict', 'source']) {
    if (!names.includes(required)) throw new CatalogueFormatError([`line ${header.line}: the header has no "${required}" column`]);
  }
  return rows.map(({ line, fields }) => {
    if (fields.length !== names.length)
      throw new CatalogueFormatError([`line ${line}: ${fields.length} fields, the header has ${names.length}`]);
    return { line, record: Object.fromEntries(names.map((n, i) => [n, fields[i]])) };
  });
}

/**
 * Parses and validates a catalogue file (columns label, verdict, family, sha256, ssdeep, tlsh,
 * imphash, source; other columns are ignored). All or nothing: any bad row rejects the file,
 * with every problem listed by line.
 */
export function parseCatalogue(text: string, format: CatalogueFormat): CatalogueEntryInput[] {
  if (Buffer.byteLength(text, 'utf8') > CATALOGUE_MAX_TEXT_BYTES)
    throw new CatalogueFormatError([`the file exceeds ${CATALOGUE_MAX_TEXT_BYTES} bytes`]);
  const rows = records(text.replace(/^\uFEFF/, ''), format);
  if (rows.length > CATALOGUE_MAX_ROWS) throw new CatalogueFormatError([`${rows.length} rows exceed the limit of ${CATALOGUE_MAX_ROWS}`]);
  const problems: string[] = [];
  const entries: CatalogueEntryInput[] = [];
  for (const { line, record } of rows) {
    const tooLong = Object.entries(record).find(([, v]) => typeof v === 'string' && v.length > MAX_FIELD_CHARS);
    if (tooLong) {
      problems.push(`line ${line}: ${tooLong[0]} is longer than ${MAX_FIELD_CHARS} characters`);
      continue;
    }
    const parsed = CatalogueEntryInput.safeParse(record);
    if (parsed.success) entries.push(parsed.data);
    else problems.push(...parsed.error.issues.map((issue) => `line ${line}: ${issue.path.join('.') || 'entry'}: ${issue.message}`));
  }
  if (problems.length > 0) throw new CatalogueFormatError(problems);
  return entries;
}
