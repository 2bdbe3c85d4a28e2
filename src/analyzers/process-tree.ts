// Process-tree analysis: parent→child pairs that legitimate software rarely produces
// (Office or a browser starting a shell, a web server starting a shell, WMI starting
// PowerShell), programs run from user-writable folders, and system binaries running from
// the wrong place or under a lookalike name. Pairs and paths follow the ATT&CK technique
// pages cited per rule and the SigmaHQ process_creation rules that detect them.
import type { z } from 'zod';
import type { Process } from '../domain/alert';
import type { Finding } from '../domain/finding';
import { combineScores, editDistance, type Signal } from './url';

export const PROCESS_TREE_ANALYZER = 'process-tree';
export const ANALYZER_VERSION = '1';

export type AlertProcess = z.input<typeof Process>;
type ProcessNode = Omit<AlertProcess, 'parents'>;

const MAX_PROCESSES = 100;
const MAX_PARENTS = 32;

/** ATT&CK technique of running each child (what the pair is evidence of). */
const CHILD_TECHNIQUE: Record<string, string[]> = {
  powershell: ['T1059.001'],
  pwsh: ['T1059.001'],
  powershell_ise: ['T1059.001'],
  cmd: ['T1059.003'],
  wscript: ['T1059.005'],
  cscript: ['T1059.005'],
  mshta: ['T1218.005'],
  rundll32: ['T1218.011'],
  regsvr32: ['T1218.010'],
  msiexec: ['T1218.007'],
  installutil: ['T1218.004'],
  regasm: ['T1218.009'],
  regsvcs: ['T1218.009'],
  cmstp: ['T1218.003'],
  msbuild: ['T1127.001'],
  certutil: ['T1140', 'T1105'],
  bitsadmin: ['T1197'],
  wmic: ['T1047'],
  schtasks: ['T1053.005'],
  sh: ['T1059.004'],
  bash: ['T1059.004'],
  dash: ['T1059.004'],
  whoami: ['T1033'],
  uname: ['T1082'],
  hostname: ['T1082'],
  ifconfig: ['T1016'],
  netstat: ['T1049'],
  id: ['T1033'],
  hh: ['T1218.001'],
  forfiles: ['T1202'],
  curl: ['T1105'],
};

const SHELLS = ['cmd', 'powershell', 'pwsh', 'powershell_ise'];
const SCRIPT_HOSTS = ['wscript', 'cscript', 'mshta'];
const LOLBINS = [
  'rundll32',
  'regsvr32',
  'msiexec',
  'certutil',
  'bitsadmin',
  'installutil',
  'regasm',
  'regsvcs',
  'msbuild',
  'cmstp',
  'hh',
  'wmic',
  'schtasks',
  'forfiles',
  'curl',
];

interface PairRule {
  id: string;
  parents: string[];
  children: string[];
  score: number;
  what: string;
  attack: string[];
  when?: (child: ProcessNode) => boolean;
}

const HAS_URL = (p: ProcessNode) => /\b(?:https?|javascript|vbscript):/i.test(p.commandLine ?? '');

const PAIR_RULES: PairRule[] = [
  {
    id: 'office-child',
    parents: ['winword', 'excel', 'powerpnt', 'outlook', 'onenote', 'onenotem', 'msaccess', 'mspub', 'visio', 'eqnedt32'],
    children: [...SHELLS, ...SCRIPT_HOSTS, ...LOLBINS],
    score: 80,
    what: 'Office application started a shell, script host or LOLBin',
    attack: ['T1204.002', 'T1566.001'],
  },
  {
    id: 'reader-child',
    parents: ['acrord32', 'acrobat', 'foxitpdfreader', 'foxitreader'],
    children: [...SHELLS, ...SCRIPT_HOSTS, ...LOLBINS],
    score: 75,
    what: 'PDF reader started a shell, script host or LOLBin',
    attack: ['T1204.002'],
  },
  {
    id: 'browser-child',
    parents: ['chrome', 'msedge', 'firefox', 'iexplore', 'brave', 'opera', 'safari'],
    children: ['wscript', 'cscript', 'mshta', 'powershell', 'pwsh', 'rundll32', 'regsvr32'],
    score: 70,
    what: 'web browser started a script host or shell',
    attack: ['T1204.002', 'T1189'],
  },
  {
    // Parents and recon children as in SigmaHQ proc_creation_lnx_webshell_detection and the Windows web-shell rules.
    id: 'webserver-shell',
    parents: ['w3wp', 'httpd', 'apache2', 'lighttpd', 'nginx', 'caddy', 'tomcat', 'tomcat9', 'php-cgi', 'sqlservr'],
    children: [...SHELLS, 'sh', 'bash', 'dash', 'whoami', 'certutil', 'wmic', 'uname', 'ifconfig', 'hostname', 'netstat', 'id'],
    score: 80,
    what: 'server process started a shell (web shell or exploited service)',
    attack: ['T1505.003', 'T1190'],
  },
  {
    id: 'wmi-child',
    parents: ['wmiprvse'],
    children: [...SHELLS, ...SCRIPT_HOSTS, 'rundll32', 'regsvr32'],
    score: 70,
    what: 'WMI provider host started a shell or script host',
    attack: ['T1047'],
  },
  {
    id: 'services-shell',
    parents: ['services'],
    children: [...SHELLS],
    score: 60,
    what: 'the Service Control Manager started a shell directly (PsExec-style service)',
    attack: ['T1569.002', 'T1543.003'],
  },
  {
    id: 'svchost-shell',
    parents: ['svchost'],
    children: ['cmd'],
    score: 40,
    what: 'a service host started cmd.exe (scheduled task or service abuse)',
    attack: ['T1053.005'],
  },
  {
    id: 'script-host-shell',
    parents: [...SCRIPT_HOSTS],
    children: [...SHELLS, ...LOLBINS],
    score: 65,
    what: 'a script host started a shell or LOLBin',
    attack: ['T1059.005'],
  },
  {
    id: 'explorer-mshta-url',
    parents: ['explorer'],
    children: ['mshta'],
    score: 75,
    what: 'Explorer started mshta with a URL or inline script',
    attack: ['T1218.005'],
    when: HAS_URL,
  },
];

/** Windows binaries that only ever run from System32/SysWOW64 (explorer: the Windows folder). */
const SYSTEM_BINARIES = [
  'svchost',
  'lsass',
  'csrss',
  'services',
  'smss',
  'winlogon',
  'wininit',
  'spoolsv',
  'taskhostw',
  'rundll32',
  'conhost',
  'dllhost',
  'lsm',
  'dwm',
  'taskhost',
  'userinit',
  'sihost',
  'runtimebroker',
  'searchindexer',
  'taskmgr',
  'regsvr32',
  'wmiprvse',
];
const SYSTEM_DIRS =
  /^(?:(?:[a-z]:|\\\\\?\\[a-z]:|\\device\\harddiskvolume\d+)\\windows|%(?:systemroot|windir)%|\\systemroot)\\(?:system32|syswow64|winsxs)\\/i;
const WINDOWS_PATH = /^(?:[a-z]:\\|\\\\|\\device\\|\\systemroot\\|%\w+%\\)/i;
const MASQUERADE_TARGETS = [
  'svchost',
  'lsass',
  'csrss',
  'services',
  'winlogon',
  'wininit',
  'spoolsv',
  'explorer',
  'taskhostw',
  'rundll32',
  'dllhost',
  'conhost',
];

interface WritableDir {
  re: RegExp;
  score: number;
  what: string;
}
const WRITABLE_DIRS: WritableDir[] = [
  { re: /\\(?:windows\\)?temp\\|\\appdata\\local\\temp\\/i, score: 45, what: 'a Temp folder' },
  { re: /\\users\\[^\\]+\\downloads\\/i, score: 45, what: "the user's Downloads folder" },
  { re: /\\users\\public\\/i, score: 50, what: 'C:\\Users\\Public' },
  { re: /\\\$recycle\.bin\\|\\perflogs\\/i, score: 55, what: 'the Recycle Bin / PerfLogs folder' },
  { re: /^\/(?:tmp|var\/tmp|dev\/shm)\//, score: 50, what: 'a world-writable Unix folder (/tmp, /var/tmp, /dev/shm)' },
  // Per-user installs (Teams, VS Code, Chrome) live in AppData\Local\Programs and vendor folders: weaker.
  { re: /\\users\\[^\\]+\\appdata\\(?:roaming|local(?!\\programs\\|\\microsoft\\))\\/i, score: 30, what: "the user's AppData folder" },
  { re: /^[a-z]:\\programdata\\/i, score: 30, what: 'C:\\ProgramData' },
];

/** Lower-case base name without .exe, from the name, the path or the command line's first token. */
export function imageName(p: ProcessNode): string {
  const source =
    p.name ||
    p.path ||
    /^\s*(?:"([^"]+)"|(\S+))/
      .exec(p.commandLine ?? '')
      ?.slice(1)
      .find(Boolean) ||
    '';
  return source
    .replace(/^.*[\\/]/, '')
    .toLowerCase()
    .replace(/\.exe$/, '')
    .trim();
}

function imagePath(p: ProcessNode): string | undefined {
  if (p.path) return p.path;
  const first = /^\s*(?:"([^"]+)"|(\S+))/
    .exec(p.commandLine ?? '')
    ?.slice(1)
    .find(Boolean);
  return first && /[\\/]/.test(first) ? first : undefined;
}

const label = (p: ProcessNode) => p.path ?? p.name ?? imageName(p);

function pairSignals(parent: ProcessNode, child: ProcessNode): Signal[] {
  const parentName = imageName(parent);
  const childName = imageName(child);
  const out: Signal[] = [];
  for (const rule of PAIR_RULES) {
    if (!rule.parents.includes(parentName) || !rule.children.includes(childName)) continue;
    if (rule.when && !rule.when(child)) continue;
    const cmd = child.commandLine ? `: ${child.commandLine.slice(0, 200)}` : '';
    out.push({
      id: rule.id,
      score: rule.score,
      what: `${rule.what} (${parentName}.exe → ${childName}.exe)${cmd}`,
      attack: [...rule.attack, ...(CHILD_TECHNIQUE[childName] ?? [])],
    });
  }
  // Legitimate svchost parents per SigmaHQ proc_creation_win_svchost_uncommon_parent_process.
  if (childName === 'svchost' && parentName && !['services', 'msmpeng', 'mrt', 'ngen', 'rpcnet', 'tiworker'].includes(parentName)) {
    out.push({
      id: 'svchost-parent',
      score: 55,
      what: `svchost.exe started by ${parentName} instead of services.exe (masquerade or injection host)`,
      attack: ['T1036.005'],
    });
  }
  return out;
}

function imageSignals(p: ProcessNode, isAlertProcess: boolean): Signal[] {
  const out: Signal[] = [];
  const name = imageName(p);
  const path = imagePath(p);
  if (path) {
    const dir = WRITABLE_DIRS.find((d) => d.re.test(path));
    // The alert's own process counts fully; an ancestor from such a folder counts less.
    if (dir)
      out.push({
        id: 'user-writable-path',
        score: isAlertProcess ? dir.score : Math.round(dir.score * 0.7),
        what: `runs from ${dir.what}: ${path}`,
        attack: ['T1204.002'],
      });
    const windowsPath = WINDOWS_PATH.test(path);
    const inSystemDir = SYSTEM_DIRS.test(path) || (name === 'explorer' && /\\windows\\explorer\.exe$/i.test(path));
    if (windowsPath && (SYSTEM_BINARIES.includes(name) || name === 'explorer') && !inSystemDir) {
      out.push({
        id: 'system-binary-wrong-path',
        score: 80,
        what: `${name}.exe runs outside the Windows system folders: ${path}`,
        attack: ['T1036.005'],
      });
    }
  }
  if (name.length >= 5 && !SYSTEM_BINARIES.includes(name) && name !== 'explorer') {
    const imitated = MASQUERADE_TARGETS.find((t) => editDistance(name, t, 1) === 1);
    if (imitated)
      out.push({
        id: 'lookalike-name',
        score: 70,
        what: `${name}.exe is one letter from the system binary ${imitated}.exe${path ? ` (${path})` : ''}`,
        attack: ['T1036.005'],
      });
  }
  return out;
}

export function analyzeProcessTree(processes: AlertProcess[]): Finding {
  try {
    const signals: Signal[] = [];
    let looked = 0;
    for (const proc of processes.slice(0, MAX_PROCESSES)) {
      const chain: ProcessNode[] = [proc, ...(proc.parents ?? []).slice(0, MAX_PARENTS)];
      looked += chain.length;
      chain.forEach((p, i) => signals.push(...imageSignals(p, i === 0)));
      for (let i = 0; i + 1 < chain.length; i++) signals.push(...pairSignals(chain[i + 1], chain[i]));
    }
    if (looked === 0) {
      return {
        analyzer: PROCESS_TREE_ANALYZER,
        verdict: 'unknown',
        score: 0,
        confidence: 0,
        summary: 'no processes to analyze',
        evidence: [],
        attack: [],
      };
    }
    const unique = [...new Map(signals.map((s) => [s.what, s])).values()].sort((a, b) => b.score - a.score);
    const score = combineScores(unique.map((s) => s.score));
    const chainText = processes.slice(0, 3).map((p) => [p, ...(p.parents ?? [])].reverse().map(label).join(' → '));
    return {
      analyzer: PROCESS_TREE_ANALYZER,
      verdict: score >= 70 ? 'malicious' : score >= 35 ? 'suspicious' : 'benign',
      score,
      confidence: unique.length ? 0.7 : 0.4,
      summary: unique.length
        ? `${unique.length} suspicious trait(s) in the process tree: ${[...new Set(unique.map((s) => s.id))].join(', ')}`
        : `${looked} process(es), no suspicious lineage or image path`,
      evidence: [...unique.map((s) => s.what), ...chainText.map((c) => `tree: ${c}`)].slice(0, 30),
      attack: [...new Set(unique.flatMap((s) => s.attack))].sort(),
    };
  } catch (err) {
    return {
      analyzer: PROCESS_TREE_ANALYZER,
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: 'process-tree analysis failed',
      evidence: [],
      attack: [],
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
