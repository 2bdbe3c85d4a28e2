// What makes VBA source risky: procedures Office runs by itself (auto-exec entry points) and
// calls that run programs, fetch payloads, hide strings or reach the Windows API. The lists
// follow Microsoft's documented auto macros (Word "Auto macros", Excel Auto_Open and
// Workbook/Document events) and the keyword families olevba reports; ATT&CK ids per technique page.

import { matchesInOrder } from '../../domain/text-scan';

export interface KeywordRule {
  id: string;
  category: 'execution' | 'download' | 'obfuscation' | 'environment' | 'win-api' | 'injection' | 'persistence' | 'file-write';
  re: RegExp;
  /** Also a hit: these parts in order on one line (text-scan matchesInOrder, linear). */
  inOrder?: RegExp[];
  attack: string[];
  what: string;
}

export interface KeywordHit {
  id: string;
  category: KeywordRule['category'];
  what: string;
  count: number;
  /** The first line that matched, trimmed. */
  sample: string;
  attack: string[];
}

/** Procedure names Office runs without the user choosing to (document open/close, workbook events). */
const AUTO_EXEC_NAMES = [
  'AutoExec',
  'AutoOpen',
  'AutoClose',
  'AutoNew',
  'AutoExit',
  'Auto_Open',
  'Auto_Close',
  'Auto_Ope',
  'Document_Open',
  'Document_Close',
  'Document_New',
  'Document_BeforeClose',
  'DocumentOpen',
  'DocumentBeforeClose',
  'DocumentChange',
  'NewDocument',
  'Workbook_Open',
  'Workbook_Activate',
  'Workbook_Close',
  'Workbook_BeforeClose',
  'Workbook_Deactivate',
  'Workbook_WindowActivate',
  'Presentation_Open',
  'App_WorkbookOpen',
  'App_DocumentOpen',
];
/** ActiveX control events fire when the document renders, without a click (used to dodge AutoOpen checks). */
const ACTIVEX_AUTO_EVENTS = ['Layout', 'Painted', 'Resize', 'GotFocus'];

const AUTO_EXEC_RE = new RegExp(
  String.raw`^[ \t]*(?:(?:Public|Private|Friend|Static)[ \t]+)*(?:Sub|Function)[ \t]+(${AUTO_EXEC_NAMES.join('|')})\b`,
  'gim',
);
const ACTIVEX_RE = new RegExp(String.raw`^[ \t]*(?:(?:Public|Private)[ \t]+)*Sub[ \t]+(\w+_(?:${ACTIVEX_AUTO_EVENTS.join('|')}))\b`, 'gim');

export const KEYWORD_RULES: KeywordRule[] = [
  {
    id: 'shell',
    category: 'execution',
    re: /\bShell\s*\(|\bShell\s+["\w]|\bWScript\.Shell\b|\bShell\.Application\b|\bShellExecute[AW]?\b/gi,
    attack: ['T1059'],
    what: 'runs a program (Shell / WScript.Shell / ShellExecute)',
  },
  {
    id: 'run-exec',
    category: 'execution',
    re: /\.(?:Run|Exec|ShellExecute)\b\s*\(?/gi,
    attack: ['T1059'],
    what: 'calls .Run/.Exec on an object',
  },
  {
    id: 'create-object',
    category: 'execution',
    re: /\b(?:CreateObject|GetObject)\s*\(/gi,
    attack: [],
    what: 'instantiates COM objects (CreateObject/GetObject)',
  },
  { id: 'powershell', category: 'execution', re: /\bpowershell(?:\.exe)?\b|\bpwsh\b/gi, attack: ['T1059.001'], what: 'invokes PowerShell' },
  { id: 'cmd', category: 'execution', re: /\bcmd(?:\.exe)?\s*\/[ck]\b/gi, attack: ['T1059.003'], what: 'invokes cmd.exe' },
  {
    id: 'lolbin',
    category: 'execution',
    re: /\b(?:mshta|rundll32|regsvr32|certutil|bitsadmin|msiexec)(?:\.exe)?\b|\b(?:wscript|cscript)(?:\.exe\b|\s+["%\w\\])/gi,
    attack: ['T1218'],
    what: 'invokes a system binary used as a proxy (mshta/rundll32/regsvr32/certutil/...)',
  },
  {
    id: 'wmi',
    category: 'execution',
    re: /\bwinmgmts\b|\bWin32_Process\b|\bWin32_ProcessStartup\b/gi,
    attack: ['T1047'],
    what: 'creates processes through WMI',
  },
  {
    id: 'urldownloadtofile',
    category: 'download',
    re: /\bURLDownloadToFile[AW]?\b/gi,
    attack: ['T1105'],
    what: 'downloads a file (URLDownloadToFile)',
  },
  {
    id: 'xmlhttp',
    category: 'download',
    re: /\b(?:MSXML2\.|Microsoft\.)?(?:Server)?XMLHTTP(?:\.\d\.\d)?\b|\bWinHttp\.WinHttpRequest\b|\bInternetExplorer\.Application\b|\bNet\.WebClient\b|\bDownload(?:File|String|Data)\b/gi,
    attack: ['T1105'],
    what: 'fetches content over HTTP (XMLHTTP/WinHttp/WebClient)',
  },
  {
    id: 'adodb-stream',
    category: 'download',
    re: /\bADODB\.Stream\b|\.SaveToFile\b/gi,
    attack: ['T1105'],
    what: 'writes fetched bytes to disk (ADODB.Stream/SaveToFile)',
  },
  { id: 'url', category: 'download', re: /\bhttps?:\/\/[^\s"']+/gi, attack: [], what: 'contains a URL' },
  {
    id: 'chr-obfuscation',
    category: 'obfuscation',
    re: /\bChr[BW]?\$?\s*\(/gi,
    attack: ['T1027'],
    what: 'builds strings from character codes (Chr)',
  },
  {
    id: 'strreverse',
    category: 'obfuscation',
    re: /\bStrReverse\s*\(|\bBase64\w*|\bCallByName\s*\(/gi,
    attack: ['T1027'],
    what: 'hides strings or calls (StrReverse/Base64/CallByName)',
  },
  {
    id: 'environ',
    category: 'environment',
    re: /\bEnviron\$?\s*\(/gi,
    attack: [],
    what: 'reads environment variables (Environ), e.g. to find %TEMP% or %APPDATA%',
  },
  {
    id: 'declare',
    category: 'win-api',
    re: /\bDeclare\s+(?:PtrSafe\s+)?(?:Function|Sub)\s+\w+\s+Lib\b/gi,
    attack: ['T1106'],
    what: 'declares Windows API functions',
  },
  {
    id: 'injection',
    category: 'injection',
    re: /\b(?:VirtualAlloc(?:Ex)?|RtlMoveMemory|WriteProcessMemory|CreateRemoteThread|CreateThread|QueueUserAPC|EnumSystemLocales\w*)\b/gi,
    attack: ['T1055'],
    what: 'uses memory/thread APIs seen in shellcode loaders',
  },
  {
    id: 'run-key',
    category: 'persistence',
    re: /\bRegWrite\b|\\CurrentVersion\\Run/gi,
    attack: ['T1547.001'],
    what: 'writes the registry (Run keys)',
  },
  {
    id: 'schtask',
    category: 'persistence',
    re: /\bSchedule\.Service\b|\bschtasks(?:\.exe)?\b/gi,
    attack: ['T1053.005'],
    what: 'creates scheduled tasks',
  },
  {
    id: 'file-write',
    category: 'file-write',
    re: /\.CreateTextFile\b|\bFileCopy\b|\bKill\s+\w/gi,
    // `Open <path> For Output|Binary|Append`: /Open\s+.+\s+For/ is quadratic on a long line of Opens.
    inOrder: [/\bOpen\s./gi, /\sFor\s+(?:Output|Binary|Append)\b/gi],
    attack: [],
    what: 'writes, copies or deletes files',
  },
];

/** Chr() appears in benign code too; only many of them suggest strings assembled to dodge scanners. */
export const CHR_OBFUSCATION_MIN = 10;

/** The code with Attribute lines and full-line comments removed, so metadata and remarks do not match. */
export function codeLines(source: string): string[] {
  return source.split(/\r\n|\r|\n/).filter((line) => {
    const t = line.trim();
    return t !== '' && !/^Attribute\s+VB_/i.test(t) && !t.startsWith("'") && !/^Rem\b/i.test(t);
  });
}

export function findAutoExec(source: string): string[] {
  const names = new Set<string>();
  for (const re of [AUTO_EXEC_RE, ACTIVEX_RE]) {
    re.lastIndex = 0;
    for (const m of source.matchAll(re)) names.add(m[1]);
  }
  return [...names];
}

export function findKeywords(source: string): KeywordHit[] {
  const lines = codeLines(source);
  const hits: KeywordHit[] = [];
  for (const rule of KEYWORD_RULES) {
    let count = 0;
    let sample = '';
    for (const line of lines) {
      rule.re.lastIndex = 0;
      const n = (line.match(rule.re)?.length ?? 0) + (rule.inOrder && matchesInOrder(line, rule.inOrder) ? 1 : 0);
      if (n > 0 && !sample) sample = line.trim().slice(0, 200);
      count += n;
    }
    if (count === 0) continue;
    if (rule.id === 'chr-obfuscation' && count < CHR_OBFUSCATION_MIN) continue;
    hits.push({ id: rule.id, category: rule.category, what: rule.what, count, sample, attack: rule.attack });
  }
  return hits;
}
