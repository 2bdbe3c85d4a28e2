// What a deobfuscated PowerShell script does that matters to a SOC, with ATT&CK ids.
// Patterns follow the ATT&CK technique pages for T1059.001 (PowerShell), T1105 (Ingress Tool
// Transfer), T1562.001 (Disable or Modify Tools, incl. AMSI), T1620 (Reflective Code Loading),
// T1027/T1140 (obfuscation / decoding) and the public tooling they cite (PowerSploit, Nishang).
import type { Note } from './evaluate';
import type { LaunchFlags } from './launcher';
import { linearRegex, type LinearRegex } from '../../domain/linear-regex';

export interface Indicator {
  id: string;
  score: number;
  attack: string[];
  what: string;
  /** The text that matched, clipped. */
  excerpt?: string;
}

interface Pattern {
  id: string;
  re: LinearRegex;
  score: number;
  attack: string[];
  what: string;
}

const DOWNLOAD = linearRegex(
  /net\.webclient|\.download(?:string|file|data)(?:async|taskasync)?\s*\(|\binvoke-webrequest\b|\biwr\b|\binvoke-restmethod\b|\birm\b\s+\S|\bstart-bitstransfer\b|net\.http\.httpclient|\bhttpclient\b[\s\S]{0,300}?\.get(?:string|bytearray|stream)?async\s*\(|\[(?:system\.)?net\.(?:http)?webrequest\]::create|msxml2\.(?:server)?xmlhttp|winhttp\.winhttprequest|\.openread\s*\(|(?:^|[\s;(|])(?:curl|wget)(?:\.exe)?\s+[^\n]*?(?:https?|ftp):\/\//i,
);
const DROPPED_EXECUTABLE = linearRegex(
  /(?:-outfile|-destination|downloadfile(?:async)?\s*\([^)]*?,)\s*["']?[^"')\s]*\.(?:exe|dll|ps1|bat|cmd|hta|vbs|js|jse|scr|msi|sct|lnk)\b/i,
);
const EXECUTE = linearRegex(
  /\b(?:iex|invoke-expression|invoke-command|icm)\b|\[scriptblock\]::create|newscriptblock|invokescript|\|\s*(?:&|\.)\s*(?:\(|\$|\{)/i,
);

const PATTERNS: Pattern[] = [
  {
    id: 'decode-and-execute',
    re: linearRegex(
      /\b(?:iex|invoke-expression)\b[\s\S]{0,300}?(?:frombase64string|\.getstring\s*\(|deflatestream|gzipstream)|(?:frombase64string|deflatestream|gzipstream)[\s\S]{0,300}?\|\s*(?:iex|invoke-expression)\b/i,
    ),
    score: 75,
    attack: ['T1140', 'T1059.001'],
    what: 'decoded content passed to Invoke-Expression',
  },
  {
    id: 'amsi-bypass',
    re: linearRegex(
      /amsiutils|amsiinitfailed|amsiscanbuffer|amsicontext|amsisession|\bamsi\.dll\b|amsi(?:open|close)session|\bamsienable\b|\bamsi_result/i,
    ),
    score: 90,
    attack: ['T1562.001'],
    what: 'AMSI bypass (disables script scanning)',
  },
  {
    id: 'etw-logging-bypass',
    re: linearRegex(
      /psetwlogprovider|etwprovider[\s\S]{0,200}m_enabled|\benablescriptblocklogging\b[\s\S]{0,100}\b0\b|cachedgrouppolicysettings|scriptblocklogging[\s\S]{0,100}(?:\$false|\b0\b)|signatures\.?\]?[\s\S]{0,50}scriptblocklogging/i,
    ),
    score: 85,
    attack: ['T1562.006'],
    what: 'PowerShell logging/ETW disabled from inside the session',
  },
  {
    id: 'defender-tamper',
    re: linearRegex(
      /\b(?:set|add)-mppreference\b[^\n]*?-(?:disable\w+|drtm|dbm|dscrptsc|dbaf|dioavp|dbm|dips|exclusion(?:path|process|extension|ipaddress)|submitsamplesconsent|mapsreporting|puaprotection)\b|\bremove-mppreference\b|\buninstall-windowsfeature\b[^\n]*defender|\bdisable-windowsoptionalfeature\b[^\n]*defender|\b(?:stop|set)-service\b[^\n]*\bwindefend\b|msft_mppreference/i,
    ),
    score: 85,
    attack: ['T1562.001'],
    what: 'Microsoft Defender disabled or given exclusions',
  },
  {
    id: 'credential-theft',
    re: linearRegex(
      /invoke-mimikatz|sekurlsa::|lsadump::|kerberos::(?:golden|ptt|list)|invoke-kerberoast|get-gpppassword|out-minidump|minidumpwritedump|invoke-ninjacopy|invoke-powerdump|\bdumpcreds\b/i,
    ),
    score: 95,
    attack: ['T1003.001'],
    what: 'credential-dumping tooling',
  },
  {
    id: 'offensive-framework',
    re: linearRegex(
      /powersploit|invoke-shellcode|invoke-reflectivepeinjection|invoke-dllinjection|powerview\.ps1|invoke-bloodhound|sharphound|invoke-smbexec|invoke-wmiexec|invoke-thehash|powercat|nishang|invoke-powershelltcp|invoke-allchecks|powerup\.ps1|invoke-psimage|winpwn|invoke-obfuscation|get-domaincontroller|get-netdomain|invoke-userhunter/i,
    ),
    score: 85,
    attack: ['T1059.001'],
    what: 'known offensive PowerShell tooling',
  },
  {
    id: 'shellcode-injection',
    re: linearRegex(
      /virtualalloc(?:ex)?[\s\S]{0,3000}?(?:createthread|createremotethread|callwindowproc|enumwindows|queueuserapc|getdelegateforfunctionpointer)|getdelegateforfunctionpointer[\s\S]{0,3000}?virtualalloc|\bwriteprocessmemory\b/i,
    ),
    score: 85,
    attack: ['T1055', 'T1106'],
    what: 'memory allocation and thread creation through Win32 APIs (shellcode runner)',
  },
  {
    id: 'reverse-shell',
    re: linearRegex(
      /net\.sockets\.tcpclient[\s\S]{0,2000}?(?:getstream|\.read\s*\()[\s\S]{0,2000}?(?:iex|invoke-expression|\.write\s*\()/i,
    ),
    score: 90,
    attack: ['T1059.001', 'T1095'],
    what: 'TCP reverse shell',
  },
  {
    id: 'reflective-load',
    re: linearRegex(
      /\[(?:system\.)?reflection\.assembly\]::load\s*\(|\[appdomain\]::currentdomain\.load\s*\(|\.(?:getassembly|assembly)\]?::load\s*\(|\[system\.reflection\.assembly\]::load/i,
    ),
    score: 75,
    attack: ['T1620'],
    what: '.NET assembly loaded from memory (reflective loading)',
  },
  {
    id: 'eventlog-clear',
    re: linearRegex(
      /\bclear-eventlog\b|\bwevtutil(?:\.exe)?\s+(?:cl|clear-log)\b|\bremove-eventlog\b|eventing\.reader\.eventlogsession[\s\S]{0,200}clearlog/i,
    ),
    score: 80,
    attack: ['T1070.001'],
    what: 'event logs cleared',
  },
  {
    id: 'history-clear',
    re: linearRegex(
      /\bclear-history\b|\bremove-item\b[^\n]*\(get-psreadlineoption\)\.historysavepath|set-psreadlineoption\s+(?:-historysavestyle\s+savenothing|-addtohistoryhandler\s*\{\s*return\s+\$false)/i,
    ),
    score: 50,
    attack: ['T1070.003'],
    what: 'command history erased',
  },
  {
    id: 'run-key-persistence',
    re: linearRegex(/\b(?:set|new)-itemproperty\b[^\n]*\\currentversion\\(?:run|runonce)\b/i),
    score: 65,
    attack: ['T1547.001'],
    what: 'autostart Run key written',
  },
  {
    id: 'scheduled-task',
    re: linearRegex(/\bregister-scheduledtask\b|new-scheduledtaskaction\b[^\n]*-execute\s+["']?(?:powershell|cmd|mshta|rundll32|wscript)/i),
    score: 55,
    attack: ['T1053.005'],
    what: 'scheduled task registered',
  },
  {
    id: 'wmi-process-create',
    re: linearRegex(
      /\binvoke-(?:wmi|cim)method\b[^\n]*win32_process[^\n]*create|\[wmiclass\][^\n]*win32_process[\s\S]{0,100}\.create\s*\(/i,
    ),
    score: 60,
    attack: ['T1047'],
    what: 'process started through WMI',
  },
  {
    id: 'right-to-left-override',
    re: linearRegex(/[\u202e\u202d\u2066-\u2069]/),
    score: 55,
    attack: ['T1036.002'],
    what: 'bidirectional-override character that disguises a file name',
  },
  {
    id: 'invisible-characters',
    re: linearRegex(/[\u200b-\u200d\u2060\ufeff]/),
    score: 45,
    attack: ['T1027'],
    what: 'zero-width characters hidden in names or strings',
  },
  {
    id: 'native-api',
    re: linearRegex(/\[dllimport\(\s*["'](?:kernel32|ntdll|advapi32)(?:\.dll)?["']/i),
    score: 45,
    attack: ['T1106'],
    what: 'Win32 API imported into the session (Add-Type / DllImport)',
  },
];

const HIDDEN_WINDOW = /-w(?:indowstyle)?\s+["']?h(?:idden)?\b/i;
const POLICY_BYPASS = linearRegex(
  /\bset-executionpolicy\b[^\n]*\b(?:bypass|unrestricted)\b|(?:^|\s)-(?:ep|exec(?:utionpolicy)?)\s+["']?(?:bypass|unrestricted)\b/i,
);

const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Obfuscation that has no everyday use: its presence alone is T1027. */
const STRONG_OBFUSCATION: Note[] = [
  'backtick',
  'case',
  'char-codes',
  'reverse',
  'special-variable',
  'get-command',
  'xor',
  'dynamic-command',
];

export function findIndicators(texts: string[], flags: LaunchFlags, notes: ReadonlySet<Note>): Indicator[] {
  const out: Indicator[] = [];
  const all = texts.join('\n\u0000\n');
  const download = DOWNLOAD.find(all);
  const execute = EXECUTE.test(all);
  const dropped = download ? DROPPED_EXECUTABLE.find(all) : null;
  if (download && execute)
    out.push({
      id: 'download-cradle',
      score: 85,
      attack: ['T1059.001', 'T1105'],
      what: 'download cradle: remote content fetched and executed',
      excerpt: clip(download.text),
    });
  else if (dropped)
    out.push({
      id: 'download-executable',
      score: 60,
      attack: ['T1105'],
      what: 'executable or script downloaded to disk',
      excerpt: clip(dropped.text),
    });
  // Downloading alone is everyday admin work: recorded, not enough to call it suspicious.
  else if (download)
    out.push({ id: 'download', score: 30, attack: ['T1105'], what: 'remote content downloaded', excerpt: clip(download.text) });
  for (const p of PATTERNS) {
    const m = p.re.find(all);
    if (m) out.push({ id: p.id, score: p.score, attack: p.attack, what: p.what, excerpt: clip(m.text) });
  }
  if (flags.encoded || notes.has('encoded-command'))
    out.push({ id: 'encoded-command', score: 60, attack: ['T1059.001', 'T1027'], what: 'PowerShell run with a base64-encoded command' });
  if (flags.hidden || HIDDEN_WINDOW.test(all))
    out.push({ id: 'hidden-window', score: 50, attack: ['T1564.003'], what: 'PowerShell or a child started with a hidden window' });
  if (flags.policyBypass || POLICY_BYPASS.test(all))
    out.push({ id: 'execution-policy-bypass', score: 40, attack: ['T1059.001'], what: 'execution policy bypassed' });
  const decoded = notes.has('base64') || notes.has('compression');
  if (decoded)
    out.push({
      id: 'in-script-decoding',
      score: notes.has('iex-unwrap') ? 70 : 45,
      attack: ['T1140'],
      what: notes.has('iex-unwrap') ? 'script decodes a payload and runs it' : 'script decodes base64/compressed data',
    });
  const strong = STRONG_OBFUSCATION.filter((n) => notes.has(n));
  // Running a string that had to be computed is obfuscation; running a literal is only odd.
  const built =
    notes.has('dynamic-iex') &&
    ['concat', 'format', 'replace', 'join', 'split', 'base64', 'compression', 'decode', 'string-method'].some((n) => notes.has(n as Note));
  if (strong.length > 0 || built) {
    const kinds = [...strong, ...(built ? ['Invoke-Expression of a computed string'] : [])];
    out.push({
      id: 'obfuscation',
      score: kinds.length >= 3 ? 60 : 50,
      attack: ['T1027'],
      what: `obfuscated command text (${kinds.join(', ')})`,
    });
  }
  return out;
}
