// The source tool's own semantics (what it did, how sure it was, what kind of finding it is),
// read from structured fields only: each mapper passes the values its format defines, never
// free text such as a description an attacker may have written.
import type { AlertSemantics } from '../../domain/alert';

type Outcome = NonNullable<AlertSemantics['outcome']>;
type FindingType = NonNullable<AlertSemantics['findingType']>;

// Action words of the vendors we map (PAN-OS, FortiGate, Zscaler, Check Point, Imperva,
// CrowdStrike, Trend Micro, Defender, Elastic event.outcome/event.action, OCSF disposition).
const OUTCOME_WORDS: [RegExp, Outcome][] = [
  [/^(quarantine[ds]?|isolated?)$/, 'quarantined'],
  [/^(delete[ds]?|removed?|clean(ed)?)$/, 'deleted'],
  [
    /^(block(ed)?|den(y|ied)|drop(ped)?|reset(-both|-client|-server)?|reject(ed)?|prevent(ed)?|kill(ed)?|req_blocked|sinkhole[d]?|blocked_by_policy|terminated?)$/,
    'blocked',
  ],
  [/^(allow(ed)?|permit(ted)?|pass(ed)?|accept(ed)?|req_passed|success|forwarded|updated)$/, 'allowed'],
  [/^(alert|detect(ed)?|log(ged)?|monitor(ed)?|observed|audit|req_alerted)$/, 'detected'],
];

/** A vendor's action or outcome word, or undefined when the word says nothing we know. */
export function outcomeOf(...words: (string | undefined)[]): Outcome | undefined {
  for (const w of words) {
    const word = w?.trim().toLowerCase().slice(0, 40);
    if (!word) continue;
    const hit = OUTCOME_WORDS.find(([re]) => re.test(word));
    if (hit) return hit[1];
  }
  return undefined;
}

// Test-file signatures: EICAR and the vendors' names for it (ClamAV Win.Test.EICAR_HDB-1,
// Defender Virus:DOS/EICAR_Test_File, Sophos EICAR-AV-Test, Trend Micro Eicar_test_file).
const AV_TEST = /(^|[^a-z])eicar([^a-z]|$)/i;
const ACCEPTABLE_USE =
  /^(gambling|adult|pornography|nudity|anonymi[sz]ers?|proxy avoidance|games|gaming|dating|streaming media|social networking|shopping|sports|entertainment|alcohol|tobacco|weapons|marijuana|hacking|peer-to-peer|p2p)$/i;

export interface FindingTypeHints {
  /** The threat or signature name the tool gave (malware name, IPS signature). */
  threatNames?: (string | undefined)[];
  /** Rule groups / categories the tool assigned (Wazuh rule.groups, ECS event.category, URL category). */
  categories?: (string | undefined)[];
  /** Set when the format's class itself says vulnerability or compliance (OCSF 2002/2003). */
  classType?: FindingType;
}

export function findingTypeOf(h: FindingTypeHints): FindingType | undefined {
  if (h.classType) return h.classType;
  const cats = (h.categories ?? []).filter((c): c is string => !!c).map((c) => c.trim().toLowerCase());
  if (cats.some((c) => c === 'vulnerability-detector' || c === 'vulnerability' || c === 'vulnerability_detector')) return 'vulnerability';
  if (cats.some((c) => c === 'sca' || c === 'policy_monitoring' || c === 'compliance' || c === 'configuration')) return 'policy';
  if ((h.threatNames ?? []).some((n) => !!n && AV_TEST.test(n.slice(0, 256)))) return 'av-test';
  if (cats.some((c) => ACCEPTABLE_USE.test(c))) return 'acceptable-use';
  return undefined;
}

type SourceVerdict = NonNullable<AlertSemantics['sourceVerdict']>;
// WildFire's verdicts (benign, grayware, malware, phishing) and the usual sandbox words.
const VERDICT_WORDS: [RegExp, SourceVerdict][] = [
  [/^(benign|clean|harmless|safe)$/, 'benign'],
  [/^(grayware|greyware|suspicious|pua|potentially unwanted)$/, 'suspicious'],
  [/^(malware|malicious|phishing|c2|command-and-control)$/, 'malicious'],
];

/** A sandbox or reputation verdict word (a structured field of the source), or undefined. */
export function verdictOf(word: string | undefined): SourceVerdict | undefined {
  const w = word?.trim().toLowerCase().slice(0, 40);
  return w ? VERDICT_WORDS.find(([re]) => re.test(w))?.[1] : undefined;
}

/** Source confidence or risk 0-100 from a number the format defines on another scale. */
export function confidenceOf(value: number | undefined, scale = 100): number | undefined {
  if (value === undefined || !Number.isFinite(value) || value < 0) return undefined;
  return Math.min(100, Math.round((value / scale) * 100));
}

/** Drops undefined members so an empty semantics object stays {}. */
export function semantics(s: AlertSemantics): AlertSemantics {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as AlertSemantics;
}
