// A YARA rule from a confirmed incident's file sample: the sample's most distinctive strings
// that no benign file contains, its file-type magic and size bounds, and for PE files the
// import hash (YARA's `pe` module), the section count and any unusual section names. Every rule
// is compiled with YARA-X and scanned against its sample and every benign file before it is
// proposed; a rule that misses its sample or hits a benign file is never returned.
import { compile } from '@litko/yara-x';
import { createHash } from 'node:crypto';
import { parsePe } from '../../analyzers/file/pe';
import { extractStrings } from '../../analyzers/file/strings';
import { assertConfirmed, techniquesOf, type ConfirmedIncident } from '../incident';
import { privateNamesOf, SharingFilter, SharingPolicy } from '../sharing';
import type { BenignFiles } from './benign-files';
import { trimChars } from '../../domain/text-scan';

export interface YaraSample {
  name?: string;
  bytes: Buffer;
}
export interface YaraRule {
  name: string;
  sha256: string;
  /** The rule's source text, `import "pe"` included when it uses the module. */
  source: string;
  strings: { text: string; wide: boolean }[];
  /** Benign files the rule was scanned against (and matched none of). */
  checkedBenign: number;
}
export interface YaraGeneration {
  rules: YaraRule[];
  dropped: { sample: string; reason: string }[];
}

const MIN_CHARS = 8;
const MAX_CHARS = 100;
const MAX_STRINGS = 8;
const MIN_STRINGS = 2;
/** Strings looked at per sample, most distinctive first: bounds the benign substring search. */
const MAX_CANDIDATES = 400;
// Section names compilers and linkers emit; any other name says something about the sample (UPX0, .themida).
const COMMON_SECTIONS = new Set([
  '.text',
  '.rdata',
  '.data',
  '.bss',
  '.idata',
  '.edata',
  '.pdata',
  '.xdata',
  '.rsrc',
  '.reloc',
  '.tls',
  '.CRT',
  '.didat',
  '.gfids',
  '.00cfg',
]);

interface Candidate {
  text: string;
  wide: boolean;
  score: number;
}

function mostFrequentShare(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  return Math.max(...counts.values()) / s.length;
}

/** How telling a string is: length and variety of characters, more for what analysts hunt (URLs, paths, pipes). */
function distinctiveness(s: string): number {
  const distinct = new Set(s).size;
  if (distinct < 5 || mostFrequentShare(s) > 0.3) return 0; // padding, tables ("3 3$3(3,3034...")
  // Bare identifiers (API and runtime names) are shared by many programs; prose and paths are not.
  let score = (Math.min(s.length, 40) + distinct) / (/^[A-Za-z_][A-Za-z0-9_]*(\.dll)?$/i.test(s) ? 2 : 1);
  if (/:\/\/|\\\\\.\\pipe|\\Software\\|\.pdb$|\\AppData\\|\/tmp\/|User-Agent/i.test(s)) score += 25;
  if (/^[\x20-\x7e]*$/.test(s) && /[a-z]/i.test(s) && /[^a-z0-9]/i.test(s)) score += 5;
  return score;
}

const printableStrings = (bytes: Buffer) => {
  const { ascii, utf16 } = extractStrings(bytes, { minLength: MIN_CHARS, maxLength: MAX_CHARS });
  return [...ascii.map((text) => ({ text, wide: false })), ...utf16.map((text) => ({ text, wide: true }))];
};

const encoded = (c: { text: string; wide: boolean }) => Buffer.from(c.text, c.wide ? 'utf16le' : 'latin1');

/** The sample's strings no benign file contains (in the same encoding) and that name nothing private, best first. */
export function distinctiveStrings(sample: Buffer, benign: BenignFiles, privateFilter: SharingFilter): Candidate[] {
  const seen = new Set<string>();
  const candidates = printableStrings(sample)
    .map((c) => ({ ...c, text: c.text.trim() }))
    .filter((c) => c.text.length >= MIN_CHARS && privateFilter.isFreeOfPrivateNames(c.text))
    .map((c) => ({ ...c, score: distinctiveness(c.text) }))
    .filter((c) => c.score > 0 && !seen.has(`${c.wide}${c.text}`) && seen.add(`${c.wide}${c.text}`))
    .sort((a, b) => b.score - a.score || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    .slice(0, MAX_CANDIDATES);
  return candidates.filter((c) => {
    const needle = encoded(c);
    return !benign.files.some((f) => f.bytes.includes(needle));
  });
}

/** A YARA text string literal: printable ASCII, with quote, backslash and tab escaped. */
const yaraLiteral = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t')}"`;
const metaText = (s: string) => yaraLiteral(s.replace(/[^\x20-\x7e]/g, '?').slice(0, 300));

/** Why a file type gets which magic test: the first bytes, read the way YARA reads them. */
function magicCondition(bytes: Buffer): string | undefined {
  if (bytes.length >= 2 && bytes.readUInt16LE(0) === 0x5a4d) return 'uint16(0) == 0x5A4D';
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x7f454c46) return 'uint32(0) == 0x464C457F';
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x25504446) return 'uint32(0) == 0x46445025';
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0xd0cf11e0) return 'uint32(0) == 0xE011CFD0';
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304) return 'uint32(0) == 0x04034B50';
  return undefined;
}

function peConditions(bytes: Buffer): { conditions: string[]; usesPe: boolean } {
  let pe;
  try {
    pe = parsePe(bytes);
  } catch {
    return { conditions: [], usesPe: false };
  }
  if (pe.format === 'unknown') return { conditions: [], usesPe: false };
  const conditions = [`pe.number_of_sections == ${pe.sections.length}`];
  if (pe.imphash) conditions.push(`pe.imphash() == "${pe.imphash}"`);
  const unusual = [
    ...new Set(pe.sections.map((s) => s.name).filter((n) => n && !COMMON_SECTIONS.has(n) && /^[\x21-\x7e]+$/.test(n))),
  ].slice(0, 4);
  for (const name of unusual) conditions.push(`for any s in pe.sections : (s.name == ${yaraLiteral(name)})`);
  return { conditions, usesPe: true };
}

/** Size bounds around the sample: variants of a build differ a little, other programs a lot. */
function sizeBounds(size: number): string[] {
  const lo = Math.floor(size / 2);
  const hi = Math.ceil(size * 2);
  return [`filesize >= ${lo}`, `filesize <= ${hi}`];
}

const ruleNameOf = (incidentId: string, sha256: string) =>
  `autosoc_${trimChars(incidentId.replace(/[^A-Za-z0-9_]+/g, '_'), '_').slice(0, 60)}_${sha256.slice(0, 12)}`;

function ruleSource(
  name: string,
  meta: [string, string][],
  strings: Candidate[],
  conditions: string[],
  need: number,
  usesPe: boolean,
): string {
  const lines = [
    ...(usesPe ? ['import "pe"', ''] : []),
    `rule ${name}`,
    '{',
    '  meta:',
    ...meta.map(([k, v]) => `    ${k} = ${metaText(v)}`),
    '  strings:',
    ...strings.map((s, i) => `    $s${i} = ${yaraLiteral(s.text)}${s.wide ? ' wide' : ''}`),
    '  condition:',
    `    ${[...conditions, need === strings.length ? 'all of ($s*)' : `${need} of ($s*)`].join(' and\n    ')}`,
    '}',
    '',
  ];
  return lines.join('\n');
}

/** Compiles the rule with YARA-X and names what it matched among the sample and the benign files. */
function check(source: string, sample: Buffer, benign: BenignFiles): { matchesSample: boolean; benignHit?: string } {
  const rules = compile(source);
  const hit = (bytes: Buffer) => rules.scan(bytes).length > 0;
  return { matchesSample: hit(sample), benignHit: benign.files.find((f) => hit(f.bytes))?.name };
}

/** One rule per sample, or the reason none is proposed. */
export function generateYaraRule(
  incident: ConfirmedIncident,
  sample: YaraSample,
  benign: BenignFiles,
): { rule?: YaraRule; reason?: string } {
  const sha256 = createHash('sha256').update(sample.bytes).digest('hex');
  if (benign.sha256s.has(sha256) || benign.files.some((f) => f.bytes.equals(sample.bytes)))
    return { reason: 'the sample is a known benign file' };
  const filter = new SharingFilter(SharingPolicy.parse({}), privateNamesOf(incident.alerts));
  const strings = distinctiveStrings(sample.bytes, benign, filter).slice(0, MAX_STRINGS);
  if (strings.length < MIN_STRINGS)
    return { reason: `fewer than ${MIN_STRINGS} strings absent from the ${benign.files.length} benign files` };
  const magic = magicCondition(sample.bytes);
  const pe = magic === 'uint16(0) == 0x5A4D' ? peConditions(sample.bytes) : { conditions: [], usesPe: false };
  const conditions = [...(magic ? [magic] : []), ...sizeBounds(sample.bytes.length), ...pe.conditions];
  const name = ruleNameOf(incident.id, sha256);
  const techniques = techniquesOf(incident);
  const meta: [string, string][] = [
    ['description', `Strings of a sample from the confirmed incident ${incident.id} that no known benign file contains`],
    ['author', 'autosoc'],
    ['date', incident.confirmedAt.slice(0, 10)],
    ['hash', sha256],
    ['severity', incident.verdict === 'malicious' ? 'high' : 'medium'],
    ...(techniques.length ? [['attack', techniques.join(', ')] as [string, string]] : []),
    ...incident.references.slice(0, 1).map((r) => ['reference', r] as [string, string]),
  ];
  // A quorum tolerates a variant that changed a string; when that is too loose, every string is required.
  for (const need of [...new Set([Math.max(MIN_STRINGS, Math.ceil(strings.length * 0.75)), strings.length])]) {
    const source = ruleSource(name, meta, strings, conditions, need, pe.usesPe);
    const result = check(source, sample.bytes, benign);
    if (!result.matchesSample) return { reason: 'the rule did not match its own sample under YARA-X' };
    if (!result.benignHit)
      return {
        rule: { name, sha256, source, strings: strings.map(({ text, wide }) => ({ text, wide })), checkedBenign: benign.files.length },
      };
  }
  return { reason: 'every candidate rule matched a benign file' };
}

/** Rules for every sample of the incident; a sample given twice gives one rule. */
export function generateYaraRules(incident: ConfirmedIncident, samples: YaraSample[], benign: BenignFiles): YaraGeneration {
  assertConfirmed(incident);
  const rules: YaraRule[] = [];
  const dropped: YaraGeneration['dropped'] = [];
  for (const sample of samples) {
    const label = sample.name ?? createHash('sha256').update(sample.bytes).digest('hex');
    const { rule, reason } = generateYaraRule(incident, sample, benign);
    if (rule && !rules.some((r) => r.sha256 === rule.sha256)) rules.push(rule);
    else if (reason) dropped.push({ sample: label, reason });
  }
  return { rules, dropped };
}
