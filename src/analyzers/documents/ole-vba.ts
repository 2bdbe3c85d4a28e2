// VBA macros in compound files (.doc/.xls/.ppt, and vbaProject.bin from .docm/.xlsm): find
// each VBA storage (a `VBA` storage holding a `dir` stream), read the module list from the
// decompressed dir stream, decompress every module's source from its MODULEOFFSET on, and
// judge the code: auto-exec entry points plus execution/download calls make a malicious
// document. When the container is damaged (truncated, cyclic chains) the raw bytes are
// searched for compressed source instead, so a broken dropper still shows its code.
import { CfbError, CfbFile, isCfb, type CfbEntry } from './cfb-reader';
import { asBytes, errorMessage, failedFinding, uniqueSorted, type Analysis } from './common';
import { inspectOleObjects, type OleObjectFacts } from './ole-objects';
import { decompressOvba, DEFAULT_MAX_DECOMPRESSED } from './ovba-compression';
import { decodeCodePage, parseVbaDir } from './vba-dir';
import { codeLines, findAutoExec, findKeywords, type KeywordHit } from './vba-keywords';
import type { Finding } from '../../domain/finding';

export const OLE_VBA_ANALYZER = 'ole-vba';
export const ANALYZER_VERSION = '1';

/** Source kept in the facts (and scanned for keywords) per module; auto-exec names are sought in all of it. */
const MAX_SOURCE_CHARS = 512 * 1024;
const MAX_MODULES = 500;
const MAX_SCAN_CANDIDATES = 256;
const MAX_LISTED_STREAMS = 300;

export interface VbaModule {
  /** The VBA storage holding the module, e.g. 'Macros/VBA' or '_VBA_PROJECT_CUR/VBA'. */
  storage: string;
  name: string;
  streamName: string;
  type: 'procedural' | 'document-or-class' | 'unknown';
  sourceBytes: number;
  source: string;
  sourceTruncated: boolean;
  codeLineCount: number;
  autoExec: string[];
  error?: string;
}

export interface VbaProject {
  storage: string;
  projectName?: string;
  codePage: number;
  modules: VbaModule[];
  error?: string;
}

export interface OleVbaFacts {
  streams: string[];
  projects: VbaProject[];
  /** True when the structure could not be read and modules were found by scanning raw bytes. */
  recoveredByScan: boolean;
  structureError?: string;
  autoExec: string[];
  keywords: KeywordHit[];
  objects?: OleObjectFacts;
}

const EXECUTION_IDS = new Set(['shell', 'run-exec', 'powershell', 'cmd', 'lolbin', 'wmi']);
const DOWNLOAD_IDS = new Set(['urldownloadtofile', 'xmlhttp', 'adodb-stream']);

function moduleFromSource(
  storage: string,
  name: string,
  streamName: string,
  type: VbaModule['type'],
  text: string,
  error?: string,
): VbaModule {
  return {
    storage,
    name,
    streamName,
    type,
    sourceBytes: text.length,
    source: text.slice(0, MAX_SOURCE_CHARS),
    sourceTruncated: text.length > MAX_SOURCE_CHARS,
    codeLineCount: codeLines(text).length,
    autoExec: findAutoExec(text),
    error,
  };
}

function readProject(cfb: CfbFile, dirEntry: CfbEntry): VbaProject {
  const storage = dirEntry.path.slice(0, -'/dir'.length);
  const project: VbaProject = { storage, codePage: 1252, modules: [] };
  let dirBytes: Uint8Array;
  try {
    dirBytes = cfb.read(dirEntry);
  } catch (err) {
    project.error = `dir stream unreadable: ${errorMessage(err)}`;
    return project;
  }
  const dirData = decompressOvba(dirBytes);
  const dir = parseVbaDir(dirData.data);
  project.projectName = dir.projectName;
  project.codePage = dir.codePage;
  if (dirData.error || dir.error) project.error = `dir stream: ${dirData.error ?? dir.error}`;
  for (const ref of dir.modules.slice(0, MAX_MODULES)) {
    const entry = cfb.find(`${storage}/${ref.streamName}`);
    if (!entry || entry.type !== 'stream') {
      project.modules.push(moduleFromSource(storage, ref.name, ref.streamName, ref.type, '', 'module stream missing'));
      continue;
    }
    try {
      const stream = cfb.read(entry);
      if (ref.textOffset > stream.length) throw new Error(`MODULEOFFSET ${ref.textOffset} beyond the ${stream.length}-byte stream`);
      const code = decompressOvba(stream.subarray(ref.textOffset), DEFAULT_MAX_DECOMPRESSED);
      const text = decodeCodePage(code.data, dir.codePage);
      const problem = code.error ?? (code.truncated ? 'source over the decompression cap, cut' : undefined);
      project.modules.push(moduleFromSource(storage, ref.name, ref.streamName, ref.type, text, problem));
    } catch (err) {
      project.modules.push(moduleFromSource(storage, ref.name, ref.streamName, ref.type, '', errorMessage(err)));
    }
  }
  // A dir stream that lists nothing readable: look for compressed source in the storage's streams.
  if (!project.modules.some((m) => m.sourceBytes > 0)) {
    const scanned: VbaModule[] = [];
    for (const e of cfb.entries) {
      if (e.type !== 'stream' || !e.path.startsWith(`${storage}/`) || /\/(dir|_VBA_PROJECT|__SRP_\d+)$/i.test(e.path)) continue;
      try {
        scanned.push(...scanForSource(cfb.read(e), storage, e.name));
      } catch {
        // unreadable stream: nothing to recover from it
      }
    }
    if (scanned.length) project.modules = scanned;
  }
  return project;
}

/**
 * Find compressed module source in raw bytes: a container starts 0x01, a chunk header, then
 * a flag byte of 0 (eight literals) and "Attribut" ("Attribute VB_Name" opens every module).
 */
export function scanForSource(bytes: Uint8Array, storage: string, label: string): VbaModule[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const needle = Buffer.from('\u0000Attribut', 'latin1');
  const modules: VbaModule[] = [];
  let from = 0;
  for (let n = 0; n < MAX_SCAN_CANDIDATES; n++) {
    const hit = buf.indexOf(needle, from);
    if (hit < 0) break;
    from = hit + 1;
    const start = hit - 3;
    if (start < 0 || buf[start] !== 0x01 || ((buf[start + 2] >> 4) & 0x7) !== 0b011) continue;
    const code = decompressOvba(bytes.subarray(start));
    const text = decodeCodePage(code.data, 1252);
    if (!/^Attribute VB_Name\s*=/.test(text)) continue;
    const name = /^Attribute VB_Name\s*=\s*"([^"]*)"/.exec(text)?.[1] ?? `${label}@${start}`;
    modules.push(moduleFromSource(storage, name, label, 'unknown', text, code.error));
    // The next module cannot start inside this one's compressed bytes; skip past what was decoded.
    from = Math.max(from, start + 3);
  }
  return modules;
}

function judge(facts: OleVbaFacts): Finding {
  const modules = facts.projects.flatMap((p) => p.modules);
  const withCode = modules.filter((m) => m.codeLineCount > 0);
  const hits = facts.keywords;
  const ids = new Set(hits.map((h) => h.id));
  const executes = [...ids].some((id) => EXECUTION_IDS.has(id));
  const downloads = [...ids].some((id) => DOWNLOAD_IDS.has(id));
  const injects = ids.has('injection');
  const autoExec = facts.autoExec.length > 0;
  const evidence: string[] = [];
  const attack: string[] = [];
  const reasons: { score: number; what: string }[] = [];

  if (modules.length) {
    evidence.push(`VBA modules: ${modules.map((m) => `${m.storage}/${m.streamName} (${m.codeLineCount} code lines)`).join(', ')}`);
    if (withCode.length) attack.push('T1059.005');
  }
  if (autoExec) {
    evidence.push(`auto-exec entry points: ${facts.autoExec.join(', ')}`);
    attack.push('T1204.002');
  }
  for (const h of hits) {
    evidence.push(`${h.id} ×${h.count}: ${h.what} — e.g. ${h.sample}`);
    attack.push(...h.attack);
  }
  if (autoExec && (executes || downloads || injects))
    reasons.push({ score: 90, what: 'macro runs on open and executes or downloads code' });
  else if (autoExec && hits.length) reasons.push({ score: 70, what: 'macro runs on open and uses suspicious calls' });
  else if (executes || downloads || injects)
    reasons.push({ score: 65, what: 'macro can execute or download code (no auto-exec entry point found)' });
  else if (autoExec) reasons.push({ score: 50, what: 'macro runs on open' });
  else if (hits.length) reasons.push({ score: 35, what: 'macro uses suspicious calls' });
  else if (withCode.length) reasons.push({ score: 10, what: 'VBA macros without auto-exec entry points or suspicious calls' });
  else if (facts.projects.length && !modules.some((m) => m.sourceBytes > 0)) {
    // Macros are there but their code is not: a damaged file still asks for a look.
    reasons.push({ score: 30, what: 'VBA project present but its code could not be read' });
    evidence.push(`unreadable VBA project: ${facts.structureError ?? 'no module source'}`);
  }

  const objects = facts.objects;
  if (objects) {
    if (objects.equationEditor.length) {
      reasons.push({ score: 60, what: 'Equation Editor object (CVE-2017-11882 family)' });
      evidence.push(`Equation Native streams: ${objects.equationEditor.join(', ')}`);
      attack.push('T1203');
    }
    for (const p of objects.packages) {
      const top = Math.max(35, ...p.flags.map((f) => f.score));
      reasons.push({ score: top, what: `embedded package object ${p.label || p.sourcePath}` });
      evidence.push(
        `OLE package in ${p.stream}: label ${JSON.stringify(p.label)}, source ${JSON.stringify(p.sourcePath)}, ${p.dataSize ?? '?'} bytes${p.flags.length ? ` (${p.flags.map((f) => f.id).join(', ')})` : ''}`,
      );
      attack.push('T1204.002', ...p.flags.flatMap((f) => f.attack));
    }
    if (objects.xlmSheets.length) {
      const hidden = objects.xlmSheets.some((s) => s.state !== 'visible');
      reasons.push({ score: hidden ? 70 : 60, what: `Excel 4.0 (XLM) macro sheet${hidden ? ', hidden' : ''}` });
      evidence.push(`XLM macro sheets: ${objects.xlmSheets.map((s) => `${s.name} (${s.state})`).join(', ')}`);
      attack.push('T1059', 'T1204.002');
      if (hidden) attack.push('T1564');
    }
    if (objects.encrypted) {
      reasons.push({ score: 30, what: 'password-encrypted document: its content could not be inspected' });
      evidence.push('EncryptedPackage/EncryptionInfo streams present');
      attack.push('T1027.013');
    }
  }
  if (facts.recoveredByScan) evidence.push(`container damaged (${facts.structureError}); modules recovered by scanning raw bytes`);
  for (const p of facts.projects) if (p.error) evidence.push(`${p.storage}: ${p.error}`);
  for (const m of modules) if (m.error) evidence.push(`${m.storage}/${m.streamName}: ${m.error}`);

  const score = Math.max(0, ...reasons.map((r) => r.score));
  const verdict = score >= 80 ? 'malicious' : score >= 30 ? 'suspicious' : 'benign';
  const summary = reasons.length
    ? reasons
        .sort((a, b) => b.score - a.score)
        .map((r) => r.what)
        .join('; ')
    : 'compound file without VBA macros or risky embedded objects';
  return {
    analyzer: OLE_VBA_ANALYZER,
    verdict,
    score,
    confidence: facts.recoveredByScan ? 0.6 : modules.some((m) => m.error) ? 0.7 : 0.8,
    summary,
    evidence,
    attack: uniqueSorted(attack),
  };
}

function withKeywords(facts: Omit<OleVbaFacts, 'autoExec' | 'keywords'>): OleVbaFacts {
  const modules = facts.projects.flatMap((p) => p.modules);
  const allSource = modules.map((m) => m.source).join('\n');
  return { ...facts, autoExec: uniqueSorted(modules.flatMap((m) => m.autoExec)), keywords: findKeywords(allSource) };
}

/** Analyze a compound file's VBA projects and risky objects. Never throws. */
export function analyzeOleVba(input: Uint8Array): Analysis<OleVbaFacts> {
  const bytes = asBytes(input);
  const empty: OleVbaFacts = { streams: [], projects: [], recoveredByScan: false, autoExec: [], keywords: [] };
  if (!isCfb(bytes)) return { finding: failedFinding(OLE_VBA_ANALYZER, 'not a compound file (no D0CF11E0 signature)'), facts: empty };
  let cfb: CfbFile;
  try {
    cfb = new CfbFile(bytes);
  } catch (err) {
    const structureError = errorMessage(err);
    const modules = scanForSource(bytes, '(raw scan)', 'raw');
    if (modules.length === 0) {
      return { finding: failedFinding(OLE_VBA_ANALYZER, `damaged compound file: ${structureError}`), facts: { ...empty, structureError } };
    }
    const facts = withKeywords({
      streams: [],
      projects: [{ storage: '(raw scan)', codePage: 1252, modules }],
      recoveredByScan: true,
      structureError,
    });
    return { finding: judge(facts), facts };
  }
  try {
    const dirs = cfb.entries.filter((e) => e.type === 'stream' && /(^|\/)VBA\/dir$/i.test(e.path));
    const projects = dirs.map((d) => readProject(cfb, d));
    let recoveredByScan = false;
    let structureError: string | undefined;
    if (projects.length && !projects.some((p) => p.modules.some((m) => m.sourceBytes > 0))) {
      // A VBA project whose streams cannot be read (cut or broken chains): look in the raw bytes.
      const modules = scanForSource(bytes, '(raw scan)', 'raw');
      structureError =
        projects
          .map((p) => p.error ?? p.modules.find((m) => m.error)?.error)
          .filter(Boolean)
          .join('; ') ||
        cfb.warnings.join('; ') ||
        'module streams unreadable';
      if (modules.length) {
        projects.push({ storage: '(raw scan)', codePage: 1252, modules });
        recoveredByScan = true;
      }
    }
    const facts = withKeywords({
      streams: cfb.entries.slice(0, MAX_LISTED_STREAMS).map((e) => e.path),
      projects,
      recoveredByScan,
      structureError,
      objects: inspectOleObjects(cfb),
    });
    const finding = judge(facts);
    if (cfb.warnings.length) finding.evidence.push(...cfb.warnings.slice(0, 5).map((w) => `structure: ${w}`));
    return { finding, facts };
  } catch (err) {
    // Defensive: every reader path above bounds its work; anything else is reported, not thrown.
    const message = err instanceof CfbError ? err.message : `unexpected: ${errorMessage(err)}`;
    return { finding: failedFinding(OLE_VBA_ANALYZER, message), facts: empty };
  }
}
