// Office Open XML packages (.docx/.docm/.xlsx/.xlsm/.pptx...): zips whose risky parts are
// vbaProject.bin (VBA, analyzed as a compound file), OLE objects under embeddings/, remote
// templates and frames loaded through external relationships (template injection, T1221;
// UNC targets leak NTLM hashes, T1187; mhtml: targets, CVE-2021-40444 style, T1203) and
// DDE fields that run commands (T1559.002).
import { DEFAULT_ARCHIVE_LIMITS, extractArchive, type ArchiveLimits, type ArchiveMember } from './archive';
import { failedFinding, uniqueSorted, type Analysis } from './common';
import { analyzeOleVba, type OleVbaFacts } from './ole-vba';
import type { Finding } from '../../domain/finding';
import { xmlTags } from './xml-tags';

export const OOXML_ANALYZER = 'ooxml';
export const ANALYZER_VERSION = '1';

/** XML parts larger than this are not searched for relationships or fields. */
const MAX_XML_BYTES = 8 * 1024 * 1024;
const MAX_ITEMS = 50;

export interface ExternalRelationship {
  part: string;
  type: string;
  target: string;
}

export interface OoxmlFacts {
  application?: 'word' | 'excel' | 'powerpoint';
  macroEnabled: boolean;
  vba?: OleVbaFacts;
  vbaFinding?: Finding;
  externalRelationships: ExternalRelationship[];
  ddeFields: string[];
  embeddedObjects: { path: string; finding: Finding }[];
}

/** An OOXML package has [Content_Types].xml at its root. */
export function isOoxml(members: ArchiveMember[]): boolean {
  return members.some((m) => m.depth === 1 && m.path === '[Content_Types].xml');
}

const text = (m: ArchiveMember): string => (m.bytes && m.bytes.length <= MAX_XML_BYTES ? Buffer.from(m.bytes).toString('utf8') : '');

/** Relationship types that fetch and load content when the document opens (hyperlinks only on click). */
const LOADING_TYPES = /\/(attachedTemplate|oleObject|frame|subDocument|externalLinkPath|externalLink|package)$/i;

function externalRelationships(members: ArchiveMember[]): ExternalRelationship[] {
  const out: ExternalRelationship[] = [];
  for (const m of members) {
    if (m.depth !== 1 || !m.path.toLowerCase().endsWith('.rels')) continue;
    for (const tag of xmlTags(text(m))) {
      if (tag.name !== 'Relationship' || tag.attributes.get('TargetMode') !== 'External') continue;
      const type = tag.attributes.get('Type') ?? '';
      const target = tag.attributes.get('Target') ?? '';
      if (LOADING_TYPES.test(type) && out.length < MAX_ITEMS) out.push({ part: m.path, type: type.split('/').pop() ?? type, target });
    }
  }
  return out;
}

function ddeFields(members: ArchiveMember[]): string[] {
  const out: string[] = [];
  for (const m of members) {
    if (m.depth !== 1 || !/\.xml$/i.test(m.path)) continue;
    const xml = text(m);
    if (!/DDE/i.test(xml)) continue;
    // Word splits field codes over runs: join the instrText pieces before looking.
    const instr: string[] = [];
    const simple: string[] = [];
    const links: string[] = [];
    for (const tag of xmlTags(xml)) {
      if (tag.name === 'w:instrText') instr.push(tag.text);
      else if (tag.name === 'w:fldSimple' && tag.attributes.has('w:instr')) simple.push(tag.attributes.get('w:instr') as string);
      // Excel: external DDE links name the program to start (ddeService="cmd").
      else if (tag.name === 'ddeLink' && tag.attributes.has('ddeService') && tag.attributes.has('ddeTopic'))
        links.push(`DDE link ${tag.attributes.get('ddeService')}|${tag.attributes.get('ddeTopic')}`);
    }
    for (const code of [instr.join(''), simple.join(' ')]) {
      const hit = /\bDDE(?:AUTO)?\b[\s\S]{0,200}/i.exec(code);
      if (hit && out.length < MAX_ITEMS) out.push(`${m.path}: ${hit[0].trim()}`);
    }
    for (const link of links) if (out.length < MAX_ITEMS) out.push(`${m.path}: ${link}`);
  }
  return out;
}

function judge(facts: OoxmlFacts): Finding {
  const reasons: { score: number; what: string }[] = [];
  const evidence: string[] = [];
  const attack: string[] = [];
  if (facts.vbaFinding) {
    reasons.push({ score: facts.vbaFinding.score, what: facts.vbaFinding.summary });
    evidence.push(...facts.vbaFinding.evidence);
    attack.push(...facts.vbaFinding.attack);
    if (facts.vbaFinding.error) evidence.push(`vbaProject.bin: ${facts.vbaFinding.error}`);
  } else if (facts.macroEnabled) evidence.push('declared macro-enabled, but no vbaProject.bin found');
  for (const rel of facts.externalRelationships) {
    const remote = /^(https?:|\\\\|file:|mhtml:)/i.test(rel.target);
    evidence.push(`external ${rel.type} in ${rel.part}: ${rel.target}`);
    if (!remote) continue;
    if (/^\\\\|^file:/i.test(rel.target)) {
      reasons.push({ score: 65, what: `remote ${rel.type} over SMB/UNC (leaks NTLM credentials)` });
      attack.push('T1187', 'T1221');
    } else if (/^mhtml:/i.test(rel.target) || /oleObject/i.test(rel.type)) {
      reasons.push({ score: 80, what: `remote ${rel.type} loaded on open (MSHTML/OLE exploit pattern)` });
      attack.push('T1203', 'T1221');
    } else {
      reasons.push({ score: 75, what: `remote ${rel.type} loaded on open (template injection)` });
      attack.push('T1221');
    }
  }
  if (facts.ddeFields.length) {
    const runs = facts.ddeFields.some((d) => /cmd|powershell|mshta|rundll32|\.exe/i.test(d));
    reasons.push({ score: runs ? 85 : 65, what: 'DDE field that starts a program' });
    evidence.push(...facts.ddeFields.map((d) => `DDE: ${d}`));
    attack.push('T1559.002');
  }
  for (const o of facts.embeddedObjects) {
    reasons.push({ score: o.finding.score, what: `embedded object ${o.path}: ${o.finding.summary}` });
    evidence.push(...o.finding.evidence.map((e) => `${o.path}: ${e}`));
    attack.push(...o.finding.attack);
  }
  const score = Math.max(0, ...reasons.map((r) => r.score));
  const verdict = score >= 80 ? 'malicious' : score >= 30 ? 'suspicious' : 'benign';
  return {
    analyzer: OOXML_ANALYZER,
    verdict,
    score,
    confidence: 0.75,
    summary:
      reasons
        .filter((r) => r.score > 0)
        .sort((a, b) => b.score - a.score)
        .map((r) => r.what)
        .join('; ') || `${facts.application ?? 'office'} document without macros, remote templates or DDE`,
    evidence,
    attack: uniqueSorted(attack),
  };
}

/** Judge an already extracted OOXML package (the members of its zip). */
export function analyzeOoxmlMembers(members: ArchiveMember[]): Analysis<OoxmlFacts> {
  const top = members.filter((m) => m.depth === 1);
  const types = top.find((m) => m.path === '[Content_Types].xml');
  const typesXml = types ? text(types) : '';
  const application = top.some((m) => m.path.startsWith('word/'))
    ? 'word'
    : top.some((m) => m.path.startsWith('xl/'))
      ? 'excel'
      : top.some((m) => m.path.startsWith('ppt/'))
        ? 'powerpoint'
        : undefined;
  const facts: OoxmlFacts = {
    application,
    macroEnabled: /macroEnabled|vbaProject/i.test(typesXml),
    externalRelationships: externalRelationships(top),
    ddeFields: ddeFields(top),
    embeddedObjects: [],
  };
  const vba = top.find((m) => /(^|\/)vbaProject\.bin$/i.test(m.path));
  if (vba?.bytes) {
    const result = analyzeOleVba(vba.bytes);
    facts.vba = result.facts;
    facts.vbaFinding = result.finding;
  }
  for (const m of top) {
    if (!/\/embeddings\/[^/]+\.bin$/i.test(m.path) || !m.bytes) continue;
    const result = analyzeOleVba(m.bytes);
    if (!result.finding.error && result.finding.score > 0 && facts.embeddedObjects.length < MAX_ITEMS)
      facts.embeddedObjects.push({ path: m.path, finding: result.finding });
  }
  return { finding: judge(facts), facts };
}

/** Unzip (with the archive module's limits) and judge an OOXML package. Never throws. */
export async function analyzeOoxml(bytes: Uint8Array, name?: string, limits: Partial<ArchiveLimits> = {}): Promise<Analysis<OoxmlFacts>> {
  const extracted = await extractArchive(bytes, name, { ...DEFAULT_ARCHIVE_LIMITS, ...limits, maxDepth: 1 });
  if (!isOoxml(extracted.members)) {
    const empty: OoxmlFacts = { macroEnabled: false, externalRelationships: [], ddeFields: [], embeddedObjects: [] };
    return { finding: failedFinding(OOXML_ANALYZER, extracted.errors[0] ?? 'not an OOXML package (no [Content_Types].xml)'), facts: empty };
  }
  return analyzeOoxmlMembers(extracted.members);
}
