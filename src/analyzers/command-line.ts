// Command-line analysis: known attacker tradecraft in process command lines.
// Patterns follow the ATT&CK technique pages and LOLBAS project entries they cite.
import type { Finding } from '../domain/finding';
import { matchesInOrder } from '../domain/text-scan';

interface Pattern {
  id: string;
  test: (cmd: string) => boolean;
  score: number;
  attack: string[];
  what: string;
}

// Signatures of the form /A.*B/ are ordered-token matches (matchesInOrder, linear; exact, see
// there): as regexes they backtrack quadratically on a long line of A's without a B. Each
// comment gives the regex a signature is equivalent to.
const regex = (re: RegExp) => (cmd: string) => re.test(cmd);
const inOrder =
  (...parts: RegExp[]) =>
  (cmd: string) =>
    matchesInOrder(cmd, parts, 'line');
const anyOf =
  (...tests: ((cmd: string) => boolean)[]) =>
  (cmd: string) =>
    tests.some((t) => t(cmd));

const POWERSHELL = /\b(?:powershell|pwsh)\b/gi; // the gap after it absorbs a ".exe"

/** /\b(?:curl|wget)\b[^|;]*\|\s*(?:ba|z|da)?sh\b/: the first | or ; after a curl/wget decides. */
function curlPipedToShell(cmd: string): boolean {
  const fetcher = /\b(?:curl|wget)\b/gi;
  const shell = /\s*(?:ba|z|da)?sh\b/iy;
  for (let from = 0; ;) {
    fetcher.lastIndex = from;
    const m = fetcher.exec(cmd);
    if (!m) return false;
    let d = m.index + m[0].length;
    while (d < cmd.length && cmd[d] !== '|' && cmd[d] !== ';') d++;
    if (d === cmd.length) return false;
    shell.lastIndex = d + 1;
    if (cmd[d] === '|' && shell.test(cmd)) return true;
    from = d + 1; // every curl/wget before d meets the same delimiter
  }
}

const PATTERNS: Pattern[] = [
  // /\b(?:powershell|pwsh)(?:\.exe)?\b.*\s-(?:e|en|…|ec)\s+[A-Za-z0-9+/=]{16,}/i; 16 characters decide it
  {
    id: 'ps-encoded',
    test: inOrder(POWERSHELL, /\s-(?:e|en|enc|enco|encod|encode|encodedcommand|ec)\s+[A-Za-z0-9+/=]{16}/gi),
    score: 75,
    attack: ['T1059.001', 'T1027'],
    what: 'PowerShell with a base64-encoded command',
  },
  // /(?:iex|invoke-expression)\b[\s\S]*(?:downloadstring|…)|(?:downloadstring|net\.webclient)[\s\S]*\b(?:iex|invoke-expression)\b/i
  {
    id: 'ps-download-cradle',
    test: anyOf(
      (cmd) =>
        matchesInOrder(
          cmd,
          [/(?:iex|invoke-expression)\b/gi, /(?:downloadstring|downloaddata|invoke-webrequest|iwr|net\.webclient)/gi],
          'any',
        ),
      (cmd) => matchesInOrder(cmd, [/(?:downloadstring|net\.webclient)/gi, /\b(?:iex|invoke-expression)\b/gi], 'any'),
    ),
    score: 85,
    attack: ['T1059.001', 'T1105'],
    what: 'PowerShell download-and-execute cradle',
  },
  // /\b(?:powershell|pwsh)(?:\.exe)?\b(?=.*-(?:w|windowstyle)\s+h(?:idden)?)(?=.*-(?:ep|exec|executionpolicy)\s+bypass)/i
  {
    id: 'ps-hidden-bypass',
    test: (cmd) => matchesInOrder(cmd, [POWERSHELL, [/-(?:w|windowstyle)\s+h/gi, /-(?:ep|exec|executionpolicy)\s+bypass/gi]]),
    score: 60,
    attack: ['T1059.001', 'T1564.003'],
    what: 'hidden PowerShell with execution policy bypass',
  },
  // /\bcertutil(?:\.exe)?\b.*-urlcache\b.*\bhttps?:\/\//i
  {
    id: 'certutil-download',
    test: inOrder(/\bcertutil\b/gi, /-urlcache\b/gi, /\bhttps?:\/\//gi),
    score: 80,
    attack: ['T1105', 'T1218'],
    what: 'certutil used to download a file',
  },
  // /\bcertutil(?:\.exe)?\b.*-decode\b/i
  {
    id: 'certutil-decode',
    test: inOrder(/\bcertutil\b/gi, /-decode\b/gi),
    score: 60,
    attack: ['T1140'],
    what: 'certutil used to decode a payload',
  },
  // /\bmshta(?:\.exe)?\b.*(?:https?:|javascript:|vbscript:)/i
  {
    id: 'mshta-remote',
    test: inOrder(/\bmshta\b/gi, /(?:https?:|javascript:|vbscript:)/gi),
    score: 80,
    attack: ['T1218.005'],
    what: 'mshta executing remote or inline script',
  },
  // /\bregsvr32(?:\.exe)?\b.*\/i:\s*https?:.*scrobj\.dll/i
  {
    id: 'regsvr32-squiblydoo',
    test: inOrder(/\bregsvr32\b/gi, /\/i:\s*https?:/gi, /scrobj\.dll/gi),
    score: 85,
    attack: ['T1218.010'],
    what: 'regsvr32 loading a remote scriptlet (Squiblydoo)',
  },
  // /\brundll32(?:\.exe)?\b.*(?:javascript:|mshtml,runhtmlapplication)/i
  {
    id: 'rundll32-script',
    test: inOrder(/\brundll32\b/gi, /(?:javascript:|mshtml,runhtmlapplication)/gi),
    score: 80,
    attack: ['T1218.011'],
    what: 'rundll32 running script',
  },
  // /\bbitsadmin(?:\.exe)?\b.*\/transfer\b/i
  {
    id: 'bitsadmin-transfer',
    test: inOrder(/\bbitsadmin\b/gi, /\/transfer\b/gi),
    score: 60,
    attack: ['T1197', 'T1105'],
    what: 'bitsadmin file transfer',
  },
  {
    id: 'shadow-delete',
    test: anyOf(
      regex(/\bvssadmin(?:\.exe)?\s+delete\s+shadows/i),
      regex(/\bwmic(?:\.exe)?\s+shadowcopy\s+delete/i),
      regex(/\bwbadmin(?:\.exe)?\s+delete\s+catalog/i),
    ),
    score: 90,
    attack: ['T1490'],
    what: 'shadow copies or backups deleted (ransomware precursor)',
  },
  // /comsvcs(?:\.dll)?[, ]+#?\s*(?:minidump|24)\b|procdump(?:64)?(?:\.exe)?\b.*\blsass|sekurlsa::/i; "[, ]+\s*" is
  // written "[, ]+(?:[^\S ]\s*)?" so a run of spaces has one reading.
  {
    id: 'lsass-dump',
    test: anyOf(
      regex(/comsvcs(?:\.dll)?[, ]+(?:#\s*|[^\S ]\s*)?(?:minidump|24)\b|sekurlsa::/i),
      inOrder(/procdump(?:64)?\b/gi, /\blsass/gi),
    ),
    score: 95,
    attack: ['T1003.001'],
    what: 'LSASS memory dumped for credentials',
  },
  { id: 'curl-pipe-shell', test: curlPipedToShell, score: 80, attack: ['T1059.004', 'T1105'], what: 'remote script piped into a shell' },
  // /\/dev\/tcp\/\d{1,3}(?:\.\d{1,3}){3}\/\d+|\bnc(?:at)?\b.*\s-e\s+\/bin\/(?:ba)?sh|socket\.socket\(.*connect\(/i
  {
    id: 'reverse-shell',
    test: anyOf(
      regex(/\/dev\/tcp\/\d{1,3}(?:\.\d{1,3}){3}\/\d/i),
      inOrder(/\bnc(?:at)?\b/gi, /\s-e\s+\/bin\/(?:ba)?sh/gi),
      inOrder(/socket\.socket\(/gi, /connect\(/gi),
    ),
    score: 90,
    attack: ['T1059.004'],
    what: 'reverse shell',
  },
  {
    id: 'recon-discovery',
    test: regex(
      /\b(?:whoami\s+\/(?:all|priv|groups)|net\s+(?:group\s+"?domain admins"?|localgroup\s+administrators)|nltest\s+\/domain_trusts)/i,
    ),
    score: 40,
    attack: ['T1033', 'T1069'],
    what: 'account and group discovery',
  },
];

export const COMMAND_LINE_ANALYZER = 'command-line';

export function analyzeCommandLines(commandLines: string[]): Finding {
  const hits: { p: Pattern; cmd: string }[] = [];
  for (const cmd of commandLines) {
    for (const p of PATTERNS) if (p.test(cmd)) hits.push({ p, cmd });
  }
  if (hits.length === 0) {
    return {
      analyzer: COMMAND_LINE_ANALYZER,
      verdict: commandLines.length ? 'benign' : 'unknown',
      score: 0,
      confidence: commandLines.length ? 0.4 : 0,
      summary: commandLines.length ? `no known tradecraft in ${commandLines.length} command line(s)` : 'no command lines to analyze',
      evidence: [],
      attack: [],
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
