// Known-benign uses of dual-use tools: the exact variant (arguments), the launching parent,
// the signer, the image path and, where it matters, the host's role. Never a binary name
// alone: each entry's malicious twin (same binary, another variant or another context) is in
// test/analyzers/known-benign.test.ts. Argument patterns are anchored over the whole argument
// string, so extra text (a second command, a comment naming a sanctioned tool) breaks the match.
import type { ASSET_ROLES } from '../../domain/policy';

export interface KnownBenignEntry {
  id: string;
  what: string;
  /** Where this use is documented. */
  source: string;
  /** Image file name, lower case, without directories. */
  image: RegExp;
  /** The arguments after the image, whitespace collapsed; anchored. Absent: any arguments. */
  args?: RegExp;
  /** Full image path the binary must run from (when the alert gives the path). */
  path?: RegExp;
  /** Required signer; an alert without the signer does not match. */
  signer?: RegExp;
  /** Some ancestor's image path must match. */
  ancestorPath?: RegExp;
  /** The host must have this role in the organisation's policy. */
  hostRole?: (typeof ASSET_ROLES)[number];
}

// EDRs write the system volume as a drive letter or as its NT device path (CrowdStrike: \\Device\\HarddiskVolume2\\…).
const SYSTEM32 = /^(?:c:|\\device\\harddiskvolume\d{1,3})\\windows\\(system32|syswow64)\\[a-z0-9_.-]+$/i;
const MANAGEMENT_AGENT = /^c:\\windows\\ccm\\ccmexec\.exe$|\\microsoft intune management extension\\agentexecutor\.exe$/i;
// An argument value: quoted, or a bare word without shell metacharacters (written inline below).

export const KNOWN_BENIGN: KnownBenignEntry[] = [
  {
    id: 'firefox-default-browser-agent-task',
    what: "Firefox's Default Browser Agent task: Mozilla's own binary in the Firefox install folder, run with do-task and the install hash",
    source:
      'Mozilla Firefox source docs, "Default Browser Agent" (toolkit/mozapps/defaultagent): the installer registers the daily task "Firefox Default Browser Agent <hash>"',
    image: /^default-browser-agent\.exe$/,
    path: /^c:\\program files(?: \(x86\))?\\mozilla firefox\\default-browser-agent\.exe$/i,
    args: /^do-task "?[0-9A-F]{16}"?$/,
  },
  {
    id: 'vssadmin-resize-by-agent',
    what: 'vssadmin resizing shadow storage to a percentage or unbounded, from a configuration-management script',
    source: 'Microsoft Learn "vssadmin resize shadowstorage"; LOLBAS/ATT&CK T1490 notes only delete/shrink-to-minimum as abuse',
    image: /^vssadmin\.exe$/,
    path: SYSTEM32,
    ancestorPath: MANAGEMENT_AGENT,
    args: /^resize shadowstorage(?: \/(?:for|on)=(?:"[^"]{1,260}"|[^\s"&|;<>`]{1,260}))* \/maxsize=(?:[1-9]\d%|unbounded)(?: \/(?:for|on)=(?:"[^"]{1,260}"|[^\s"&|;<>`]{1,260}))*$/i,
  },
  {
    id: 'certutil-hashfile',
    what: 'certutil computing a file checksum (read-only)',
    source: 'tldr-pages windows/certutil "Display the cryptographic hash of a file"; Microsoft Learn certutil -hashfile',
    image: /^certutil\.exe$/,
    path: SYSTEM32,
    args: /^-hashfile (?:"[^"]{1,260}"|[^\s"&|;<>`]{1,260})(?: (?:md2|md4|md5|sha1|sha256|sha384|sha512))?$/i,
  },
  {
    id: 'certutil-encode-certificate',
    what: 'certutil converting a certificate file to Base64 (PEM) on an admin jump host',
    source:
      'Microsoft Learn certutil -encode; LOLBAS Certutil "usecase: encode files to evade defensive measures" (the abuse is encoding payloads, not certificates)',
    image: /^certutil\.exe$/,
    path: SYSTEM32,
    hostRole: 'jump-host',
    args: /^-encode (?:"[^"]{1,256}\.(?:cer|crt|der)"|[^\s"&|;<>`$]{1,256}\.(?:cer|crt|der)) (?:"[^"]{1,256}\.(?:cer|crt|pem|b64|txt)"|[^\s"&|;<>`$]{1,256}\.(?:cer|crt|pem|b64|txt))$/i,
  },
  {
    id: 'werfault-crash-dump',
    what: 'Windows Error Reporting writing a crash dump of a faulting process',
    source: 'Microsoft Learn "Windows Error Reporting" (WerFault.exe -u -p <pid> -s <n> is the user-mode fault reporter)',
    image: /^werfault\.exe$/,
    path: SYSTEM32,
    signer: /^microsoft windows$/i,
    args: /^-u -p \d{1,7} -s \d{1,10}$/i,
  },
  {
    id: 'google-updater-task',
    what: 'Google Updater (signed, Program Files) registering its own task',
    source: 'Google Chrome Enterprise help "Manage Chrome updates (Windows)": GoogleUpdater system tasks',
    image: /^updater\.exe$/,
    signer: /^google llc$/i,
    path: /^c:\\program files(?: \(x86\))?\\google\\googleupdater\\[\d.]{1,32}\\updater\.exe$/i,
  },
  {
    id: 'edge-update-task',
    what: 'Microsoft Edge Update (signed, Program Files) registering its own task',
    source: 'Microsoft Learn "Microsoft Edge update policies": MicrosoftEdgeUpdateTaskMachine tasks',
    image: /^microsoftedgeupdate\.exe$/,
    signer: /^microsoft corporation$/i,
    path: /^c:\\program files(?: \(x86\))?\\microsoft\\edgeupdate\\microsoftedgeupdate\.exe$/i,
  },
  {
    id: 'mozilla-default-browser-agent',
    what: 'Mozilla default-browser-agent task from the Firefox install folder',
    source: 'Mozilla Firefox source docs "Default Browser Agent" (scheduled task created by the installer)',
    image: /^(?:default-browser-agent|firefox|helper|maintenanceservice)\.exe$/,
    path: /^c:\\program files(?: \(x86\))?\\mozilla (?:firefox|maintenance service)\\[a-z0-9_ .\\-]{1,80}\.exe$/i,
  },
  {
    id: 'psexec-from-jump-host',
    what: 'Microsoft-signed PsExec run from a declared IT jump host',
    source: 'Microsoft Sysinternals PsExec documentation; the organisation declares its jump hosts (asset role jump-host)',
    image: /^psexec(?:64)?\.exe$/,
    signer: /^microsoft corporation$/i,
    hostRole: 'jump-host',
  },
  {
    id: 'official-installer-in-ci',
    what: 'official language/tool installer piped to a shell inside a CI job on a CI runner',
    source: 'rustup.rs, Homebrew (brew.sh), Deno, Bun, uv, Poetry install pages: the documented one-line installers',
    image: /^(?:curl|bash|sh)$/,
    hostRole: 'ci-runner',
    args: /^(?:(?:--proto =?'?=?https'? |--tlsv1\.2 |-[sSfL]{1,4} ){0,5}https:\/\/(?:sh\.rustup\.rs|raw\.githubusercontent\.com\/homebrew\/install\/head\/install\.sh|deno\.land\/install\.sh|bun\.sh\/install|astral\.sh\/uv\/install\.sh|install\.python-poetry\.org)\/? \| (?:sh|bash)(?: -s -- [a-z0-9 =._-]{0,120})?)$/i,
  },
  {
    id: 'package-manager-system-account',
    what: 'a package maintainer script creating its system account (useradd/adduser --system under dpkg or rpm)',
    source:
      'Debian Policy 9.2.2 (system users created by maintainer scripts with adduser --system); tldr-pages linux/useradd "Create a new system user"',
    image: /^(?:useradd|adduser)$/,
    ancestorPath: /^\/usr\/bin\/(?:dpkg|rpm)$/,
    args: /^(?=.{0,2000}(?:--system|-r)(?: |$))(?:(?:--system|-r|--quiet|--group|--no-create-home|-M|--disabled-login|--disabled-password|(?:--home(?:-dir)?|-d|--shell|-s|--gid|-g|--ingroup|--comment|-c|--gecos) (?:"[^"]{0,200}"|[^\s"&|;<>`$]{1,200})) ){1,14}[a-z_][a-z0-9_-]{0,31}\$?$/i,
  },
];
