// ATT&CK technique → tactic, for grouping a report's techniques. No npm package ships ATT&CK,
// so this is a curated table of the techniques autosoc's analyzers, rules and samples name.
// Source: MITRE ATT&CK Enterprise v15 (https://attack.mitre.org/techniques/enterprise/), each
// technique's "Tactic" field; a technique under several tactics is listed under its first.
// Sub-techniques (T1059.001) take their parent's tactic.

export const TACTIC_ORDER = [
  'Reconnaissance',
  'Resource Development',
  'Initial Access',
  'Execution',
  'Persistence',
  'Privilege Escalation',
  'Defense Evasion',
  'Credential Access',
  'Discovery',
  'Lateral Movement',
  'Collection',
  'Command and Control',
  'Exfiltration',
  'Impact',
] as const;
export type Tactic = (typeof TACTIC_ORDER)[number];

const TACTIC_OF: Record<string, Tactic> = {
  T1595: 'Reconnaissance',
  T1598: 'Reconnaissance',
  T1583: 'Resource Development',
  T1588: 'Resource Development',
  T1566: 'Initial Access',
  T1190: 'Initial Access',
  T1078: 'Initial Access',
  T1133: 'Initial Access',
  T1189: 'Initial Access',
  T1195: 'Initial Access',
  T1059: 'Execution',
  T1204: 'Execution',
  T1203: 'Execution',
  T1047: 'Execution',
  T1053: 'Execution',
  T1569: 'Execution',
  T1106: 'Execution',
  T1547: 'Persistence',
  T1543: 'Persistence',
  T1136: 'Persistence',
  T1098: 'Persistence',
  T1505: 'Persistence',
  T1546: 'Persistence',
  T1548: 'Privilege Escalation',
  T1068: 'Privilege Escalation',
  T1134: 'Privilege Escalation',
  T1055: 'Privilege Escalation',
  T1027: 'Defense Evasion',
  T1036: 'Defense Evasion',
  T1070: 'Defense Evasion',
  T1112: 'Defense Evasion',
  T1140: 'Defense Evasion',
  T1218: 'Defense Evasion',
  T1562: 'Defense Evasion',
  T1553: 'Defense Evasion',
  T1564: 'Defense Evasion',
  T1620: 'Defense Evasion',
  T1197: 'Defense Evasion',
  T1003: 'Credential Access',
  T1110: 'Credential Access',
  T1555: 'Credential Access',
  T1558: 'Credential Access',
  T1552: 'Credential Access',
  T1528: 'Credential Access',
  T1621: 'Credential Access',
  T1046: 'Discovery',
  T1018: 'Discovery',
  T1082: 'Discovery',
  T1087: 'Discovery',
  T1057: 'Discovery',
  T1016: 'Discovery',
  T1069: 'Discovery',
  T1083: 'Discovery',
  T1021: 'Lateral Movement',
  T1570: 'Lateral Movement',
  T1550: 'Lateral Movement',
  T1534: 'Lateral Movement',
  T1560: 'Collection',
  T1005: 'Collection',
  T1114: 'Collection',
  T1113: 'Collection',
  T1071: 'Command and Control',
  T1105: 'Command and Control',
  T1572: 'Command and Control',
  T1090: 'Command and Control',
  T1219: 'Command and Control',
  T1568: 'Command and Control',
  T1573: 'Command and Control',
  T1041: 'Exfiltration',
  T1567: 'Exfiltration',
  T1048: 'Exfiltration',
  T1486: 'Impact',
  T1490: 'Impact',
  T1489: 'Impact',
  T1485: 'Impact',
  T1496: 'Impact',
  T1531: 'Impact',
};

/** The technique's tactic, or undefined for an id outside the table (reported as "Other"). */
export const tacticOf = (technique: string): Tactic | undefined => TACTIC_OF[technique.split('.')[0]];

/** Techniques grouped by tactic in kill-chain order; unknown ids last, under "Other". */
export function groupByTactic(techniques: Iterable<string>): { tactic: Tactic | 'Other'; techniques: string[] }[] {
  const groups = new Map<Tactic | 'Other', Set<string>>();
  for (const t of techniques) {
    const tactic = tacticOf(t) ?? 'Other';
    (groups.get(tactic) ?? groups.set(tactic, new Set()).get(tactic)!).add(t);
  }
  return [...TACTIC_ORDER, 'Other' as const]
    .filter((t) => groups.has(t))
    .map((tactic) => ({ tactic, techniques: [...groups.get(tactic)!].sort() }));
}
