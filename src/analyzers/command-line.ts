// Command-line analysis: known attacker tradecraft in process command lines.
// Patterns follow the ATT&CK technique pages and LOLBAS project entries they cite.
import type { Finding } from '../domain/finding';

interface Pattern { id: string; re: RegExp; score: number; attack: string[]; what: string }

const PATTERNS: Pattern[] = [
  { id: 'ps-encoded', re: /\b(?:powershell|pwsh)(?:\.exe)?\b.*\s-(?:e|en|enc|enco|encod|encode|encodedcommand|ec)\s+[A-Za-z0-9+/=]{16,}/i, score: 75, attack: ['T1059.001', 'T1027'], what: 'PowerShell with a base64-encoded command' },
  { id: 'ps-download-cradle', re: /(?:iex|invoke-expression)\b[\s\S]*(?:downloadstring|downloaddata|invoke-webrequest|iwr|net\.webclient)|(?:downloadstring|net\.webclient)[\s\S]*\b(?:iex|invoke-expression)\b/i, score: 85, attack: ['T1059.001', 'T1105'], what: 'PowerShell download-and-execute cradle' },
  { id: 'ps-hidden-bypass', re: /\b(?:powershell|pwsh)(?:\.exe)?\b(?=.*-(?:w|windowstyle)\s+h(?:idden)?)(?=.*-(?:ep|exec|executionpolicy)\s+bypass)/i, score: 60, attack: ['T1059.001', 'T1564.003'], what: 'hidden PowerShell with execution policy bypass' },
  { id: 'certutil-download', re: /\bcertutil(?:\.exe)?\b.*-urlcache\b.*\bhttps?:\/\//i, score: 80, attack: ['T1105', 'T1218'], what: 'certutil used to download a file' },
  { id: 'certutil-decode', re: /\bcertutil(?:\.exe)?\b.*-decode\b/i, score: 60, attack: ['T1140'], what: 'certutil used to decode a payload' },
  { id: 'mshta-remote', re: /\bmshta(?:\.exe)?\b.*(?:https?:|javascript:|vbscript:)/i, score: 80, attack: ['T1218.005'], what: 'mshta executing remote or inline script' },
  { id: 'regsvr32-squiblydoo', re: /\bregsvr32(?:\.exe)?\b.*\/i:\s*https?:.*scrobj\.dll/i, score: 85, attack: ['T1218.010'], what: 'regsvr32 loading a remote scriptlet (Squiblydoo)' },
  { id: 'rundll32-script', re: /\brundll32(?:\.exe)?\b.*(?:javascript:|mshtml,runhtmlapplication)/i, score: 80, attack: ['T1218.011'], what: 'rundll32 running script' },
  { id: 'bitsadmin-transfer', re: /\bbitsadmin(?:\.exe)?\b.*\/transfer\b/i, score: 60, attack: ['T1197', 'T1105'], what: 'bitsadmin file transfer' },
  { id: 'shadow-delete', re: /\b(?:vssadmin(?:\.exe)?\s+delete\s+shadows|wmic(?:\.exe)?\s+shadowcopy\s+delete|wbadmin(?:\.exe)?\s+delete\s+catalog)/i, score: 90, attack: ['T1490'], what: 'shadow copies or backups deleted (ransomware precursor)' },
  { id: 'lsass-dump', re: /(?:comsvcs(?:\.dll)?[, ]+#?\s*(?:minidump|24)\b|procdump(?:64)?(?:\.exe)?\b.*\blsass|sekurlsa::)/i, score: 95, attack: ['T1003.001'], what: 'LSASS memory dumped for credentials' },
  { id: 'curl-pipe-shell', re: /\b(?:curl|wget)\b[^|;]*\|\s*(?:ba|z|da)?sh\b/i, score: 80, attack: ['T1059.004', 'T1105'], what: 'remote script piped into a shell' },
  { id: 'reverse-shell', re: /(?:\/dev\/tcp\/\d{1,3}(?:\.\d{1,3}){3}\/\d+|\bnc(?:at)?\b.*\s-e\s+\/bin\/(?:ba)?sh|socket\.socket\(.*connect\()/i, score: 90, attack: ['T1059.004'], what: 'reverse shell' },
  { id: 'recon-discovery', re: /\b(?:whoami\s+\/(?:all|priv|groups)|net\s+(?:group\s+"?domain admins"?|localgroup\s+administrators)|nltest\s+\/domain_trusts)/i, score: 40, attack: ['T1033', 'T1069'], what: 'account and group discovery' },
];

export const COMMAND_LINE_ANALYZER = 'command-line';

export function analyzeCommandLines(commandLines: string[]): Finding {
  const hits: { p: Pattern; cmd: string }[] = [];
  for (const cmd of commandLines) {
    for (const p of PATTERNS) if (p.re.test(cmd)) hits.push({ p, cmd });
  }
  if (hits.length === 0) {
    return {
      analyzer: COMMAND_LINE_ANALYZER, verdict: commandLines.length ? 'benign' : 'unknown', score: 0,
      confidence: commandLines.length ? 0.4 : 0, summary: commandLines.length ? `no known tradecraft in ${commandLines.length} command line(s)` : 'no command lines to analyze',
      evidence: [], attack: [],
    };
  }
  const top = Math.max(...hits.map((h) => h.p.score));
  const attack = [...new Set(hits.flatMap((h) => h.p.attack))].sort();
  return {
    analyzer: COMMAND_LINE_ANALYZER,
    verdict: top >= 75 ? 'malicious' : 'suspicious',
    score: top,
    confidence: 0.7,
    summary: [...new Set(hits.map((h) => h.p.what))].join('; '),
    evidence: hits.map((h) => `${h.p.id}: ${h.cmd.slice(0, 300)}`),
    attack,
  };
}
