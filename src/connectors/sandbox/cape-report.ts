// Turns a CAPEv2 report.json into a Finding (analyzer 'sandbox'). Pure: no I/O. CAPE's
// malscore (0-10, modules/processing: calc_scoring) becomes the score ×10; signatures,
// families, contacted hosts and domains, dropped files and executed commands become
// evidence; ATT&CK ids come from the top-level `ttps` list (either shape CAPE has written:
// [{signature, ttps: [...]}] or [{ttp, signature}]) and from any ttp/ttps field on a signature.
// Every string is untrusted (it comes from the sample's behaviour): trimmed and bounded.
import type { Finding } from '../../domain/finding';

export const ANALYZER = 'sandbox';
export const ANALYZER_VERSION = '1';

const MAX_SIGNATURES = 25;
const MAX_ITEMS = 15;
const MAX_TEXT = 300;
/** An evidence line: a label plus up to two MAX_TEXT values. */
const MAX_LINE = 400;
const ATTACK_ID = /^T\d{4}(?:\.\d{3})?$/;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v.slice(0, 10_000) : []);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? clean(v) : typeof v === 'number' ? String(v) : undefined;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** One printable line of at most `max` characters. */
export function clean(text: string, max = MAX_TEXT): string {
  const flat = text
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function sandboxErrorFinding(error: string, taskId?: number): Finding {
  return {
    analyzer: ANALYZER,
    verdict: 'unknown',
    score: 0,
    confidence: 0,
    summary: `sandbox analysis unavailable${taskId ? ` (CAPE task ${taskId})` : ''}: ${clean(error)}`,
    evidence: taskId ? [`CAPE task ${taskId}`] : [],
    attack: [],
    error: clean(error),
  };
}

function attackIds(report: Obj, signatures: Obj[]): string[] {
  const ids = new Set<string>();
  const add = (v: unknown) => {
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string' && ATTACK_ID.test(x.trim())) ids.add(x.trim());
  };
  for (const entry of arr(report.ttps).map(obj)) {
    add(entry.ttps);
    add(entry.ttp);
  }
  for (const s of signatures) {
    add(s.ttp);
    add(s.ttps);
  }
  return [...ids].sort();
}

/** Families CAPE named: detections [{family, details}] (current) or a string (older), plus signature families. */
function families(report: Obj, signatures: Obj[]): { names: string[]; byYara: boolean } {
  const names = new Set<string>();
  let byYara = false;
  const detections = report.detections;
  if (typeof detections === 'string' && detections.trim()) names.add(clean(detections));
  for (const d of arr(detections).map(obj)) {
    const family = str(d.family);
    if (family) names.add(family);
    if (arr(d.details).some((x) => Object.keys(obj(x)).some((k) => /yara/i.test(k)))) byYara = true;
  }
  for (const s of signatures) {
    for (const f of arr(s.families)) {
      const name = str(f);
      if (name) names.add(name);
    }
  }
  return { names: [...names].slice(0, MAX_ITEMS), byYara };
}

function networkEvidence(report: Obj): string[] {
  const network = obj(report.network);
  const hosts = arr(network.hosts)
    .map((h) => (typeof h === 'string' ? h : str(obj(h).ip)))
    .filter((h): h is string => !!h);
  const domains = arr(network.domains)
    .map((d) => (typeof d === 'string' ? d : str(obj(d).domain)))
    .filter((d): d is string => !!d);
  return [
    ...[...new Set(hosts)].slice(0, MAX_ITEMS).map((h) => `contacted host ${clean(h)}`),
    ...[...new Set(domains)].slice(0, MAX_ITEMS).map((d) => `resolved domain ${clean(d)}`),
  ];
}

function droppedEvidence(report: Obj): string[] {
  return arr(report.dropped)
    .map(obj)
    .slice(0, MAX_ITEMS)
    .map((d) => {
      const name = str(d.name) ?? str(arr(d.guest_paths)[0]) ?? 'file';
      const sha = typeof d.sha256 === 'string' && /^[0-9a-fA-F]{64}$/.test(d.sha256) ? ` sha256 ${d.sha256.toLowerCase()}` : '';
      return `dropped ${name}${sha}`;
    });
}

function behaviourEvidence(report: Obj): { lines: string[]; ran: boolean } {
  const behavior = obj(report.behavior);
  const summary = obj(behavior.summary);
  const commands = arr(summary.executed_commands)
    .map(str)
    .filter((c): c is string => !!c)
    .slice(0, MAX_ITEMS);
  const ran = arr(behavior.processtree).length > 0 || arr(behavior.processes).length > 0;
  return { lines: commands.map((c) => `executed: ${c}`), ran };
}

/** CAPE signature severity runs 1 (info) to 3+ (high); higher first, then by name for stable output. */
function signatureLines(signatures: Obj[]): string[] {
  return signatures
    .map((s) => ({ name: str(s.name) ?? 'unnamed', description: str(s.description), severity: num(s.severity) ?? 1 }))
    .sort((a, b) => b.severity - a.severity || a.name.localeCompare(b.name))
    .slice(0, MAX_SIGNATURES)
    .map((s) => `signature ${s.name} (severity ${s.severity})${s.description ? `: ${s.description}` : ''}`);
}

export function capeReportFinding(reportJson: unknown, taskId: number): Finding {
  const report = obj(reportJson);
  const info = obj(report.info);
  // malscore is CAPE's; info.score is where Cuckoo put it. Both run 0-10.
  const rawScore = num(report.malscore) ?? num(info.score);
  if (rawScore === undefined) return sandboxErrorFinding('report has no malscore (is it a CAPE report.json?)', taskId);
  const malscore = Math.min(10, Math.max(0, rawScore));
  const signatures = arr(report.signatures).map(obj);
  const fam = families(report, signatures);
  const behaviour = behaviourEvidence(report);
  const status = str(report.malstatus);

  let verdict: Finding['verdict'];
  let confidence: number;
  if (fam.byYara || malscore >= 7) [verdict, confidence] = ['malicious', fam.byYara ? 0.95 : 0.85];
  else if (malscore >= 4) [verdict, confidence] = ['suspicious', 0.6];
  // A quiet run is weak evidence of innocence (samples evade sandboxes): benign only when it ran.
  else if (behaviour.ran && (status === 'Clean' || (malscore < 1 && !signatures.some((s) => (num(s.severity) ?? 1) >= 2))))
    [verdict, confidence] = ['benign', 0.4];
  else [verdict, confidence] = ['unknown', behaviour.ran ? 0.5 : 0.1];

  const evidence = [
    `CAPE task ${taskId}: malscore ${malscore.toFixed(1)}/10${status ? ` (${status})` : ''}`,
    ...fam.names.map((f) => `family: ${f}`),
    ...signatureLines(signatures),
    ...networkEvidence(report),
    ...droppedEvidence(report),
    ...behaviour.lines,
  ].map((line) => clean(line, MAX_LINE));
  const parts = [
    `CAPE task ${taskId}: malscore ${malscore.toFixed(1)}/10`,
    `${signatures.length} signature${signatures.length === 1 ? '' : 's'}`,
    ...(fam.names.length ? [`family ${fam.names.join(', ')}`] : []),
    ...(behaviour.ran ? [] : ['no process ran']),
  ];
  return {
    analyzer: ANALYZER,
    verdict,
    score: Math.round(malscore * 10),
    confidence,
    summary: parts.join(', '),
    evidence,
    attack: attackIds(report, signatures),
  };
}
