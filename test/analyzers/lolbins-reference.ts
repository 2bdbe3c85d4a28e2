// The LOLBin table as it was before its regexes moved to the linear engine (commit a09cd16),
// kept as the oracle of test/analyzers/lolbins-equivalence.test.ts: V8's backtracking engine
// runs these only there, on bounded generated and corpus inputs.
// Living-off-the-land binaries: signed, preinstalled (or admin-common) programs that attackers
// run for download, proxy execution, credential access, defence evasion and discovery.
//
// Sources. Which binaries and which argument shapes are abused: the LOLBAS project
// (https://lolbas-project.github.io, GPL-3.0; entries here are written in our own words, no
// LOLBAS text is copied), and for the admin tools LOLBAS does not list (net, nltest, vssadmin,
// wevtutil, bcdedit, adfind, ...) the MITRE ATT&CK technique pages (https://attack.mitre.org)
// that name them. ATT&CK ids are MITRE's (the classic Impair Defenses numbering, T1562.x).
// Each pattern is matched against the text that follows the binary on the same command,
// case-insensitively. A bare run of a binary is never a hit, because every one of these programs
// has everyday uses (the admin corpus checks that); the signed troubleshooting scripts near the
// end are the one exception.

import { matchesInOrder } from '../../src/domain/text-scan';

export interface LolbinAbuse {
  /** Stable id, `<binary>-<what>`. */
  id: string;
  /** Tested against the arguments: the text after the binary name, up to the end of its command. */
  args: ArgsMatcher;
  attack: string[];
  /** Risk of this use alone, 0-100: ≥75 malicious, ≥40 suspicious. */
  score: number;
  what: string;
}

export interface LolbinEntry {
  /** The file as it ships, e.g. `certutil.exe`. */
  binary: string;
  /** Names it is invoked by (without `.exe`); defaults to the file name without extension. */
  names?: string[];
  /** Where the abuse is documented. */
  source: string;
  abuses: LolbinAbuse[];
}

const LOLBAS = (path: string) => `LOLBAS https://lolbas-project.github.io/lolbas/${path}/`;
const ATTACK = (id: string) => `MITRE ATT&CK https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;

/** A regex, or a linear matcher standing for one. */
export interface ArgsMatcher {
  test(args: string): boolean;
  /** The regexes a matcher is made of (for table checks, e.g. that all are case-insensitive). */
  readonly regexes?: readonly RegExp[];
}

/**
 * /A[\s\S]*B[\s\S]*C/ as an ordered-token match (matchesInOrder: linear, where the regex is
 * quadratic on a window of A's without a B). Parts carry the g flag, and any optional tail the
 * gap would absorb is left out so the leftmost match ends earliest (e.g. /\/y\s/ for /\/y\s+/).
 */
const inOrder = (...parts: RegExp[]): ArgsMatcher => ({ test: (args) => matchesInOrder(args, parts, 'any'), regexes: parts });
/** Any of several matchers: a top-level alternation split into its branches. */
const either = (...branches: ArgsMatcher[]): ArgsMatcher => ({
  test: (args) => branches.some((b) => b.test(args)),
  regexes: branches.flatMap((b) => (b instanceof RegExp ? [b] : (b.regexes ?? []))),
});

/** Builds a case-insensitive regex from fragments, so the shared pieces below stay readable. */
function rx(...parts: (string | RegExp)[]): RegExp {
  return new RegExp(parts.map((p) => (typeof p === 'string' ? p : p.source)).join(''), 'i');
}

/** A remote location: URL or UNC path (\\host\share). */
const REMOTE = /(?:\b(?:https?|ftps?):\/\/|\\\\[\w.$-]+\\)/;
/** An NTFS alternate data stream: path\file:stream (a drive letter or URL scheme does not count). */
const ADS = /(?:(?:[a-z]:)?[^\s:"'|<>]*\\[^\s:"'\\|<>]+|(?<![\w/])[\w-]+\.\w{1,5}):(?![\\/])[\w$-]*[a-z_$][\w.$-]*/;
/** Folders any user can write to, where dropped payloads live. */
const USER_DIR =
  /(?:\\(?:users|programdata|temp|tmp|appdata|perflogs|public|downloads|windows\\tasks)\\|%(?:temp|tmp|appdata|localappdata|public|userprofile|programdata)%|\$env:(?:temp|tmp|appdata|localappdata|public|userprofile|programdata)\b)/;
/** Interpreters and proxies a launcher may be told to start. */
const SHELLS = /(?:\b(?:cmd|powershell|pwsh|mshta|rundll32|regsvr32|wscript|cscript|certutil|bitsadmin)(?:\.exe)?\b)/;

export const REFERENCE_LOLBINS: LolbinEntry[] = [
  // ---- download / decode ----------------------------------------------------------------
  {
    binary: 'certutil.exe',
    source: LOLBAS('Binaries/Certutil'),
    abuses: [
      {
        id: 'certutil-download',
        args: rx(/(?:[-/](?:urlcache|verifyctl|url)\b)/, /[\s\S]*/, REMOTE),
        attack: ['T1105'],
        score: 80,
        what: 'certificate tool fetching a remote file',
      },
      {
        id: 'certutil-ads',
        args: rx(/[-/](?:urlcache|verifyctl)\b[\s\S]*\s/, ADS),
        attack: ['T1564.004', 'T1105'],
        score: 80,
        what: 'certificate tool writing into an alternate data stream',
      },
      {
        id: 'certutil-decode',
        args: /[-/]decode(?:hex)?\b/i,
        attack: ['T1140'],
        score: 55,
        what: 'certificate tool decoding a base64/hex file',
      },
      {
        id: 'certutil-encode',
        args: /[-/]encode(?:hex)?\b/i,
        attack: ['T1027.013'],
        score: 40,
        what: 'certificate tool encoding a file (payload staging or exfil prep)',
      },
    ],
  },
  {
    binary: 'bitsadmin.exe',
    source: LOLBAS('Binaries/Bitsadmin'),
    abuses: [
      {
        id: 'bitsadmin-notify-cmd',
        args: /\/setnotifycmdline\b/i,
        attack: ['T1197'],
        score: 80,
        what: 'BITS job set to run a command when it completes',
      },
      {
        id: 'bitsadmin-download',
        args: rx(/\/(?:transfer|addfile)\b[\s\S]*/, REMOTE),
        attack: ['T1197', 'T1105'],
        score: 70,
        what: 'BITS job pulling a remote file',
      },
      { id: 'bitsadmin-copy', args: /\/(?:transfer|addfile)\b/i, attack: ['T1197'], score: 50, what: 'BITS job copying files' },
    ],
  },
  {
    binary: 'curl.exe',
    names: ['curl'],
    source: ATTACK('T1105'),
    abuses: [
      {
        id: 'curl-pipe-shell',
        args: rx(REMOTE, /[^|\n]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|[^|\n]*\|\s*(?:cmd|powershell|iex)\b/),
        attack: ['T1105', 'T1059'],
        score: 80,
        what: 'remote script piped straight into a shell',
      },
      {
        id: 'curl-upload',
        args: rx(/(?:\s-T\s|--upload-file\b|\s-F\s+["']?\w+=@|--data-binary\s+["']?@|\s-d\s+["']?@)/),
        attack: ['T1048'],
        score: 45,
        what: 'file uploaded to a remote server',
      },
      {
        id: 'curl-download-to-user-dir',
        args: rx(REMOTE, /[\s\S]*(?:\s-o\s*|--output\s+)["']?/, /(?:[a-z]:)?[^\s"']*/, USER_DIR),
        attack: ['T1105'],
        score: 50,
        what: 'remote file saved into a user-writable folder',
      },
      {
        id: 'curl-download-exec',
        args: rx(/(?:\s-o\s*|--output\s+)\S*\.(?:exe|dll|ps1|bat|hta|vbs|sct|scr|msi)\b/),
        attack: ['T1105'],
        score: 55,
        what: 'remote executable content saved to disk',
      },
    ],
  },
  {
    binary: 'wget',
    source: ATTACK('T1105'),
    abuses: [
      {
        id: 'wget-pipe-shell',
        args: rx(/-q?O-?\s*-?[\s\S]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b/),
        attack: ['T1105', 'T1059.004'],
        score: 80,
        what: 'remote script piped straight into a shell',
      },
      { id: 'wget-post-file', args: /--post-file\b/i, attack: ['T1048'], score: 45, what: 'file posted to a remote server' },
      {
        id: 'wget-download-exec',
        args: rx(/(?:\s-O\s*|--output-document[= ])\S*\.(?:exe|dll|ps1|bat|hta|vbs|sct|scr|msi)\b/),
        attack: ['T1105'],
        score: 55,
        what: 'remote executable content saved to disk',
      },
    ],
  },
  {
    binary: 'desktopimgdownldr.exe',
    source: LOLBAS('Binaries/Desktopimgdownldr'),
    abuses: [
      {
        id: 'desktopimgdownldr-download',
        args: rx(/\/lockscreenurl:/),
        attack: ['T1105'],
        score: 75,
        what: 'lock-screen image helper fetching a remote file',
      },
    ],
  },
  {
    binary: 'certreq.exe',
    source: LOLBAS('Binaries/Certreq'),
    abuses: [
      {
        id: 'certreq-post',
        args: rx(/-post\b[\s\S]*-config\s+["']?/, REMOTE),
        attack: ['T1105'],
        score: 70,
        what: 'certificate request tool posting to / fetching from a remote URL',
      },
    ],
  },
  {
    binary: 'mpcmdrun.exe',
    source: LOLBAS('Binaries/MpCmdRun'),
    abuses: [
      {
        id: 'mpcmdrun-download',
        args: /-downloadfile\b/i,
        attack: ['T1105'],
        score: 80,
        what: 'Defender command line used as a downloader',
      },
      {
        id: 'mpcmdrun-remove-definitions',
        args: inOrder(/-removedefinitions\b/gi, /-all\b/gi),
        attack: ['T1562.001'],
        score: 80,
        what: 'Defender signatures removed',
      },
    ],
  },
  {
    binary: 'expand.exe',
    source: LOLBAS('Binaries/Expand'),
    abuses: [
      {
        id: 'expand-ads',
        args: rx(/\s/, ADS),
        attack: ['T1564.004'],
        score: 60,
        what: 'cabinet tool writing into an alternate data stream',
      },
      {
        id: 'expand-remote',
        args: rx(/^\s+["']?/, REMOTE),
        attack: ['T1105'],
        score: 50,
        what: 'cabinet tool copying from a network share',
      },
    ],
  },
  {
    binary: 'extrac32.exe',
    source: LOLBAS('Binaries/Extrac32'),
    abuses: [
      {
        id: 'extrac32-ads',
        args: rx(/\s/, ADS),
        attack: ['T1564.004'],
        score: 60,
        what: 'cabinet extractor writing into an alternate data stream',
      },
      { id: 'extrac32-copy', args: /\/c\b/i, attack: ['T1105'], score: 50, what: 'cabinet extractor used as a file copier' },
    ],
  },
  {
    binary: 'esentutl.exe',
    source: LOLBAS('Binaries/Esentutl'),
    abuses: [
      {
        id: 'esentutl-vss-copy',
        args: /\/vss\b/i,
        attack: ['T1003.003'],
        score: 85,
        what: 'database tool copying a locked file (NTDS.dit/SAM) through a volume shadow copy',
      },
      {
        id: 'esentutl-ads',
        args: rx(/\/[yd]\s+[\s\S]*/, ADS),
        attack: ['T1564.004'],
        score: 60,
        what: 'database tool copying into/out of an alternate data stream',
      },
      {
        id: 'esentutl-copy',
        args: inOrder(/\/y\s/gi, /\/d\s/gi),
        attack: ['T1105'],
        score: 45,
        what: 'database tool used as a file copier',
      },
    ],
  },
  {
    binary: 'findstr.exe',
    source: LOLBAS('Binaries/Findstr'),
    abuses: [
      {
        id: 'findstr-gpp-password',
        args: /\bcpassword\b/i,
        attack: ['T1552.006'],
        score: 70,
        what: 'search for Group Policy Preference passwords',
      },
      {
        id: 'findstr-copy',
        args: rx(/\/v\b[\s\S]*\/l\b[\s\S]*>|\/l\b[\s\S]*\/v\b[\s\S]*>/),
        attack: ['T1105'],
        score: 55,
        what: 'search tool abused to copy a file (print all lines not matching a junk string)',
      },
      {
        id: 'findstr-password-files',
        args: inOrder(/\/s\b/gi, /\bpass(?:word|wd)?\b/gi),
        attack: ['T1552.001'],
        score: 45,
        what: 'recursive search for passwords in files',
      },
    ],
  },
  {
    binary: 'print.exe',
    source: LOLBAS('Binaries/Print'),
    abuses: [{ id: 'print-copy', args: /^\s*\/d:/i, attack: ['T1105'], score: 50, what: 'print command used as a file copier' }],
  },
  {
    binary: 'replace.exe',
    source: LOLBAS('Binaries/Replace'),
    abuses: [
      {
        id: 'replace-remote',
        args: rx(/^\s*["']?/, REMOTE),
        attack: ['T1105'],
        score: 50,
        what: 'replace command copying from a network share',
      },
    ],
  },
  {
    binary: 'makecab.exe',
    names: ['makecab', 'diantz'],
    source: LOLBAS('Binaries/Makecab'),
    abuses: [
      {
        id: 'makecab-ads',
        args: rx(/\s/, ADS),
        attack: ['T1564.004'],
        score: 60,
        what: 'cabinet maker writing into an alternate data stream',
      },
      {
        id: 'makecab-remote',
        args: rx(/^\s*["']?/, REMOTE),
        attack: ['T1105'],
        score: 45,
        what: 'cabinet maker packing a file from a network share',
      },
    ],
  },
  {
    binary: 'ftp.exe',
    source: LOLBAS('Binaries/Ftp'),
    abuses: [{ id: 'ftp-script', args: /\s-s:\S+/i, attack: ['T1105', 'T1202'], score: 45, what: 'ftp driven by a command script' }],
  },
  // ---- proxy execution ---------------------------------------------------------------------
  {
    binary: 'mshta.exe',
    source: LOLBAS('Binaries/Mshta'),
    abuses: [
      {
        id: 'mshta-inline-script',
        args: /(?:javascript|vbscript|about):/i,
        attack: ['T1218.005'],
        score: 85,
        what: 'HTML application host running inline script',
      },
      {
        id: 'mshta-remote',
        args: rx(REMOTE),
        attack: ['T1218.005', 'T1105'],
        score: 80,
        what: 'HTML application host loading a remote page',
      },
      {
        id: 'mshta-ads',
        args: rx(/\s/, ADS),
        attack: ['T1218.005', 'T1564.004'],
        score: 80,
        what: 'HTML application run from an alternate data stream',
      },
      { id: 'mshta-local-hta', args: /\.hta\b/i, attack: ['T1218.005'], score: 55, what: 'HTML application host running a local .hta' },
    ],
  },
  {
    binary: 'rundll32.exe',
    source: LOLBAS('Binaries/Rundll32'),
    abuses: [
      {
        id: 'rundll32-comsvcs-minidump',
        args: /comsvcs(?:\.dll)?["']?\s*,?\s*#?\s*(?:minidump|24)\b/i,
        attack: ['T1003.001'],
        score: 95,
        what: 'COM+ services DLL used to dump process memory (LSASS credential theft)',
      },
      {
        id: 'rundll32-script',
        args: /(?:javascript:|vbscript:|mshtml(?:\.dll)?\s*,\s*#?runhtmlapplication)/i,
        attack: ['T1218.011'],
        score: 85,
        what: 'rundll32 running script through the HTML engine',
      },
      {
        id: 'rundll32-remote-dll',
        args: rx(/^\s*["']?/, REMOTE),
        attack: ['T1218.011', 'T1105'],
        score: 80,
        what: 'rundll32 loading a DLL from a remote share',
      },
      {
        id: 'rundll32-proxy-export',
        args: /\b(?:url\.dll\s*,\s*(?:openurl|fileprotocolhandler)|zipfldr(?:\.dll)?\s*,\s*routethecall|shell32(?:\.dll)?\s*,\s*(?:shellexec_rundll|control_rundll|#44)|(?:ie)?advpack(?:\.dll)?\s*,\s*(?:launchinfsection|registerocx|#\d+)|setupapi(?:\.dll)?\s*,\s*installhinfsection|syssetup(?:\.dll)?\s*,\s*setupinfobjectinstallaction|pcwutl(?:\.dll)?\s*,\s*launchapplication|dfshim(?:\.dll)?\s*,\s*shopenverbapplication|(?:shdocvw|ieframe)(?:\.dll)?\s*,\s*openurl|scrobj(?:\.dll)?\s*,\s*generatetypelib|(?:shimgvw|photoviewer)(?:\.dll)?["']?\s*,\s*imageview_fullscreen|desk\.cpl\s*,\s*installscreensaver)/i,
        attack: ['T1218.011'],
        score: 70,
        what: 'rundll32 calling a Windows DLL export that launches other programs or fetches URLs',
      },
      {
        id: 'rundll32-user-dir-dll',
        args: rx(/^\s*["']?/, /(?:[a-z]:)?[^,\s]*/, USER_DIR, /[^,\s]*["']?\s*,/),
        attack: ['T1218.011'],
        score: 60,
        what: 'rundll32 loading a DLL from a user-writable folder',
      },
      {
        id: 'rundll32-ads',
        args: rx(/^\s*["']?/, ADS, /\s*,/),
        attack: ['T1218.011', 'T1564.004'],
        score: 80,
        what: 'rundll32 loading a DLL from an alternate data stream',
      },
      {
        id: 'rundll32-odd-extension',
        args: /^\s*["']?[^,\s"']+\.(?:dat|tmp|txt|log|png|jpg|gif|bin|db|ocx|cpl|zip)["']?\s*,/i,
        attack: ['T1218.011', 'T1036'],
        score: 55,
        what: 'rundll32 loading a DLL disguised under another extension',
      },
    ],
  },
  {
    binary: 'regsvr32.exe',
    source: LOLBAS('Binaries/Regsvr32'),
    abuses: [
      {
        id: 'regsvr32-scriptlet',
        args: either(inOrder(/\/i:/gi, /scrobj(?:\.dll)?\b/gi), /\/i:\s*["']?(?:https?|ftp):/i),
        attack: ['T1218.010'],
        score: 85,
        what: 'regsvr32 running a COM scriptlet (Squiblydoo)',
      },
      {
        id: 'regsvr32-remote',
        args: rx(REMOTE),
        attack: ['T1218.010', 'T1105'],
        score: 80,
        what: 'regsvr32 loading from a remote location',
      },
      {
        id: 'regsvr32-user-dir',
        args: rx(/\/s\b[\s\S]*/, USER_DIR),
        attack: ['T1218.010'],
        score: 50,
        what: 'regsvr32 silently registering a DLL from a user-writable folder',
      },
    ],
  },
  {
    binary: 'msiexec.exe',
    source: LOLBAS('Binaries/Msiexec'),
    abuses: [
      {
        id: 'msiexec-remote',
        args: rx(/[/-](?:i|package|a|j[mu])\b[\s\S]*/, REMOTE),
        attack: ['T1218.007', 'T1105'],
        score: 75,
        what: 'installer fetching and running a remote package',
      },
      {
        id: 'msiexec-remote-transform',
        args: rx(/transforms\s*=\s*["']?/, REMOTE),
        attack: ['T1218.007'],
        score: 75,
        what: 'installer applying a remote transform',
      },
      {
        id: 'msiexec-dll',
        args: /[/-][yz]\s+["']?[^\s"']+\.(?:dll|ocx)\b/i,
        attack: ['T1218.007'],
        score: 70,
        what: 'installer calling DllRegisterServer/DllUnregisterServer of a DLL',
      },
      {
        id: 'msiexec-quiet-user-dir',
        args: rx(/[/-]q\w*\b[\s\S]*/, USER_DIR, /[^\s"']*\.msi\b/),
        attack: ['T1218.007'],
        score: 45,
        what: 'silent install of a package from a user-writable folder',
      },
    ],
  },
  {
    binary: 'installutil.exe',
    source: LOLBAS('Binaries/Installutil'),
    abuses: [
      {
        id: 'installutil-remote',
        args: rx(REMOTE),
        attack: ['T1218.004', 'T1105'],
        score: 75,
        what: 'InstallUtil pulling an assembly from a remote location',
      },
      {
        id: 'installutil-uninstall-hook',
        args: /(?:\/u\b|\/logfile=|\/logtoconsole=false)/i,
        attack: ['T1218.004'],
        score: 70,
        what: "InstallUtil running an assembly's installer hooks (AppLocker bypass)",
      },
      { id: 'installutil-any', args: /\S+\.(?:dll|exe)\b/i, attack: ['T1218.004'], score: 45, what: 'InstallUtil loading an assembly' },
    ],
  },
  {
    binary: 'regasm.exe',
    names: ['regasm', 'regsvcs'],
    source: LOLBAS('Binaries/Regasm'),
    abuses: [
      {
        id: 'regasm-load',
        args: /\S+\.dll\b/i,
        attack: ['T1218.009'],
        score: 60,
        what: '.NET registration tool running code in an assembly',
      },
    ],
  },
  {
    binary: 'msbuild.exe',
    source: LOLBAS('Binaries/Msbuild'),
    abuses: [
      { id: 'msbuild-logger-dll', args: /[/-]logger:[^\s]*\.dll/i, attack: ['T1127.001'], score: 70, what: 'MSBuild loading a logger DLL' },
      {
        id: 'msbuild-inline-project',
        args: /(?:^|\s)["']?[^\s"']+\.(?:xml|csproj|proj|txt|rsp)\b|@\S+\.rsp\b/i,
        attack: ['T1127.001'],
        score: 50,
        what: 'MSBuild compiling and running an inline-task project',
      },
    ],
  },
  {
    binary: 'cmstp.exe',
    source: LOLBAS('Binaries/Cmstp'),
    abuses: [
      {
        id: 'cmstp-remote-inf',
        args: rx(REMOTE),
        attack: ['T1218.003', 'T1105'],
        score: 85,
        what: 'connection-manager installer loading a remote INF',
      },
      {
        id: 'cmstp-silent-inf',
        args: either(inOrder(/\/(?:s|ni|au)\b/gi, /\.inf\b/gi), inOrder(/\.inf\b/gi, /\/(?:s|ni|au)\b/gi)),
        attack: ['T1218.003'],
        score: 70,
        what: 'connection-manager installer silently running an INF (UAC bypass/AppLocker bypass)',
      },
    ],
  },
  {
    binary: 'odbcconf.exe',
    source: LOLBAS('Binaries/Odbcconf'),
    abuses: [
      {
        id: 'odbcconf-dll',
        args: /(?:\{?\s*regsvr\b|installdriver\b[\s\S]*\.dll|[/-]f\s+\S+\.rsp\b|\.dll\b)/i,
        attack: ['T1218.008'],
        score: 70,
        what: 'ODBC configuration tool loading a DLL',
      },
    ],
  },
  {
    binary: 'control.exe',
    source: LOLBAS('Binaries/Control'),
    abuses: [
      {
        id: 'control-ads',
        args: rx(/\s/, ADS),
        attack: ['T1218.002', 'T1564.004'],
        score: 80,
        what: 'Control Panel loading an item from an alternate data stream',
      },
      {
        id: 'control-user-cpl',
        args: rx(USER_DIR, /[^\s"']*\.cpl\b/),
        attack: ['T1218.002'],
        score: 60,
        what: 'Control Panel item loaded from a user-writable folder',
      },
    ],
  },
  {
    binary: 'hh.exe',
    source: LOLBAS('Binaries/Hh'),
    abuses: [
      { id: 'hh-remote', args: rx(REMOTE), attack: ['T1218.001', 'T1105'], score: 75, what: 'HTML Help opening a remote file' },
      {
        id: 'hh-executable',
        args: /\.(?:exe|bat|cmd|ps1)\b/i,
        attack: ['T1218.001'],
        score: 60,
        what: 'HTML Help used to start a program',
      },
    ],
  },
  {
    binary: 'ieexec.exe',
    source: LOLBAS('Binaries/Ieexec'),
    abuses: [
      {
        id: 'ieexec-remote',
        args: rx(REMOTE),
        attack: ['T1218', 'T1105'],
        score: 80,
        what: '.NET IE execution host running a remote executable',
      },
    ],
  },
  {
    binary: 'infdefaultinstall.exe',
    source: LOLBAS('Binaries/Infdefaultinstall'),
    abuses: [
      { id: 'infdefaultinstall-inf', args: /\.inf\b/i, attack: ['T1218'], score: 60, what: "INF installer running an INF file's commands" },
    ],
  },
  {
    binary: 'mavinject.exe',
    source: LOLBAS('Binaries/Mavinject'),
    abuses: [
      {
        id: 'mavinject-inject',
        args: /\/injectrunning\b/i,
        attack: ['T1218.013', 'T1055.001'],
        score: 85,
        what: 'App-V helper injecting a DLL into a running process',
      },
    ],
  },
  {
    binary: 'msdt.exe',
    source: LOLBAS('Binaries/Msdt'),
    abuses: [
      {
        id: 'msdt-browse-injection',
        args: /it_browseforfile=|\$\(|\/\.\.\//i,
        attack: ['T1202', 'T1218'],
        score: 85,
        what: 'diagnostics tool argument injection (Follina-style)',
      },
      {
        id: 'msdt-answer-file',
        args: /[-/]af\s+\S+\.xml\b|\/id\s+pcwdiagnostic\b/i,
        attack: ['T1218'],
        score: 65,
        what: 'diagnostics tool run with an answer file / PCW diagnostic',
      },
    ],
  },
  {
    binary: 'msconfig.exe',
    source: LOLBAS('Binaries/Msconfig'),
    abuses: [
      {
        id: 'msconfig-tools-tab',
        args: /^\s*-5\b/i,
        attack: ['T1218'],
        score: 50,
        what: 'system configuration tool started on its tools page (runs a planted command)',
      },
    ],
  },
  {
    binary: 'presentationhost.exe',
    source: LOLBAS('Binaries/Presentationhost'),
    abuses: [
      {
        id: 'presentationhost-remote',
        args: rx(REMOTE),
        attack: ['T1218', 'T1105'],
        score: 75,
        what: 'XAML browser host loading a remote application',
      },
      { id: 'presentationhost-xbap', args: /\.xbap\b/i, attack: ['T1218'], score: 60, what: 'XAML browser application executed' },
    ],
  },
  {
    binary: 'scriptrunner.exe',
    source: LOLBAS('Binaries/Scriptrunner'),
    abuses: [
      {
        id: 'scriptrunner-appvscript',
        args: /-appvscript\b/i,
        attack: ['T1218', 'T1202'],
        score: 65,
        what: 'App-V script runner starting a program',
      },
    ],
  },
  {
    binary: 'syncappvpublishingserver.exe',
    names: ['syncappvpublishingserver', 'syncappvpublishingserver.vbs'],
    source: LOLBAS('Binaries/Syncappvpublishingserver'),
    abuses: [
      {
        id: 'syncappvpublishingserver-powershell',
        args: /["']?\s*n?\s*;/i,
        attack: ['T1216.002', 'T1059.001'],
        score: 85,
        what: 'App-V publishing helper smuggling PowerShell after a ";"',
      },
    ],
  },
  {
    binary: 'pubprn.vbs',
    names: ['pubprn.vbs'],
    source: LOLBAS('Scripts/Pubprn'),
    abuses: [
      {
        id: 'pubprn-scriptlet',
        args: /\bscript:/i,
        attack: ['T1216.001'],
        score: 85,
        what: 'printer-publishing script loading a remote scriptlet',
      },
    ],
  },
  {
    binary: 'pcalua.exe',
    source: LOLBAS('Binaries/Pcalua'),
    abuses: [
      {
        id: 'pcalua-launch',
        args: /(?:^|\s)-a\s+\S/i,
        attack: ['T1202'],
        score: 65,
        what: 'compatibility assistant used to launch a program',
      },
    ],
  },
  {
    binary: 'forfiles.exe',
    source: LOLBAS('Binaries/Forfiles'),
    abuses: [
      {
        id: 'forfiles-ads',
        args: rx(/\/c\s+["']?[\s\S]*/, ADS),
        attack: ['T1202', 'T1564.004'],
        score: 80,
        what: 'forfiles running a program from an alternate data stream',
      },
      {
        id: 'forfiles-proxy',
        args: rx(
          /\/c\s+["']?(?!cmd(?:\.exe)?\s+\/c\s+(?:echo|del|copy|move|dir|type)\b)[^"']*/,
          '(?:',
          SHELLS,
          String.raw`|\.(?:exe|ps1|vbs|js|hta)\b)`,
        ),
        attack: ['T1202'],
        score: 60,
        what: 'forfiles used to start another program (indirect command execution)',
      },
    ],
  },
  {
    binary: 'conhost.exe',
    source: LOLBAS('Binaries/Conhost'),
    abuses: [
      {
        id: 'conhost-proxy',
        args: /(?:--headless\b|^\s+["']?(?:[a-z]:\\[^\s"']*\\)?(?:cmd|powershell|pwsh|rundll32|mshta|calc|notepad)\b|\.exe\b)/i,
        attack: ['T1202'],
        score: 60,
        what: 'console host used to launch a program (optionally headless)',
      },
    ],
  },
  {
    binary: 'explorer.exe',
    source: LOLBAS('Binaries/Explorer'),
    abuses: [
      {
        id: 'explorer-proxy',
        args: /(?:\/root,\s*["']?[^"'\s]+\.exe|^\s+["']?[^"'\s]+\.(?:exe|bat|hta|vbs|js)\b)/i,
        attack: ['T1202'],
        score: 55,
        what: 'Explorer used as the parent of another program',
      },
    ],
  },
  {
    binary: 'msxsl.exe',
    source: LOLBAS('OtherMSBinaries/Msxsl'),
    abuses: [{ id: 'msxsl-xsl', args: /\.(?:xsl|xml)\b/i, attack: ['T1220'], score: 75, what: 'XSL transform running embedded script' }],
  },
  {
    binary: 'wmic.exe',
    source: LOLBAS('Binaries/Wmic'),
    abuses: [
      {
        id: 'wmic-shadowcopy-delete',
        args: /\bshadowcopy\s+(?:where\b[\s\S]*)?delete\b/i,
        attack: ['T1490'],
        score: 90,
        what: 'WMI deleting volume shadow copies',
      },
      {
        id: 'wmic-xsl-format',
        args: /\/format:\s*["']?(?:(?:https?|ftp):|[^\s"']*\.xsl\b)/i,
        attack: ['T1220'],
        score: 85,
        what: 'WMI output formatted by a script-bearing XSL stylesheet',
      },
      {
        id: 'wmic-remote-process',
        args: inOrder(/\/node:/gi, /\bprocess\s+call\s+create\b/gi),
        attack: ['T1047', 'T1021'],
        score: 75,
        what: 'WMI starting a process on another host',
      },
      { id: 'wmic-process-create', args: /\bprocess\s+call\s+create\b/i, attack: ['T1047'], score: 65, what: 'WMI starting a process' },
      {
        id: 'wmic-shadowcopy-create',
        args: /\bshadowcopy\s+call\s+create\b/i,
        attack: ['T1003.003'],
        score: 60,
        what: 'WMI creating a shadow copy (to read locked credential stores)',
      },
      {
        id: 'wmic-av-discovery',
        args: /antivirusproduct/i,
        attack: ['T1518.001'],
        score: 45,
        what: 'WMI listing installed antivirus products',
      },
      {
        id: 'wmic-uninstall',
        args: inOrder(/\bproduct\s+where\b/gi, /\bcall\s+uninstall\b/gi),
        attack: ['T1562.001'],
        score: 55,
        what: 'WMI uninstalling a product (often security software)',
      },
    ],
  },
  // ---- scripting hosts ---------------------------------------------------------------------
  {
    binary: 'wscript.exe',
    names: ['wscript', 'cscript'],
    source: LOLBAS('Binaries/Wscript'),
    abuses: [
      {
        id: 'wscript-ads',
        args: rx(/\s/, ADS),
        attack: ['T1564.004', 'T1059.005'],
        score: 80,
        what: 'script host running a script from an alternate data stream',
      },
      {
        id: 'wscript-remote',
        args: rx(/^\s*(?:\/\/\w+(?::\w+)?\s+)*["']?/, REMOTE),
        attack: ['T1059.005', 'T1105'],
        score: 70,
        what: 'script host running a script from a network share/URL',
      },
      {
        id: 'wscript-engine-swap',
        args: /\/\/e:\s*(?:jscript|vbscript)(?:\.encode)?\b[\s\S]*\.(?!js\b|vbs\b)\w+/i,
        attack: ['T1059.005', 'T1059.007', 'T1036'],
        score: 60,
        what: 'script engine forced onto a file with another extension',
      },
      {
        id: 'wscript-user-dir',
        args: rx(USER_DIR, /[^\s"']*\.(?:js|jse|vbs|vbe|wsf|wsh)\b/),
        attack: ['T1059.005', 'T1059.007'],
        score: 50,
        what: 'script run from a user-writable folder',
      },
      {
        id: 'wscript-encoded',
        args: /\.(?:vbe|jse)\b/i,
        attack: ['T1059.005', 'T1027'],
        score: 55,
        what: 'encoded script (.vbe/.jse) executed',
      },
    ],
  },
  {
    binary: 'winrm.vbs',
    names: ['winrm', 'winrm.vbs'],
    source: LOLBAS('Scripts/Winrm'),
    abuses: [
      {
        id: 'winrm-invoke-create',
        args: /\binvoke\s+create\s+wmicimv2\/win32_(?:process|service)\b/i,
        attack: ['T1216', 'T1021.006', 'T1047'],
        score: 80,
        what: 'WinRM script creating a process or service over WS-Man',
      },
      {
        id: 'winrm-format-xsl',
        args: /-format:\s*\S*(?:pretty|\.xsl)/i,
        attack: ['T1220'],
        score: 55,
        what: 'WinRM script output formatted by an XSL stylesheet (WsmPty/WsmTxt hijack)',
      },
    ],
  },
  {
    binary: 'powershell.exe',
    names: ['powershell', 'pwsh'],
    source: LOLBAS('Binaries/Powershell'),
    abuses: [
      {
        id: 'powershell-download-exec',
        args: either(
          inOrder(
            /(?:\biex\b|invoke-expression)/gi,
            /(?:downloadstring|downloaddata|net\.webclient|invoke-webrequest|\biwr\b|invoke-restmethod|\birm\b)/gi,
          ),
          inOrder(/(?:downloadstring|downloaddata)/gi, /(?:\biex\b|invoke-expression)/gi),
        ),
        attack: ['T1059.001', 'T1105'],
        score: 85,
        what: 'PowerShell downloading and running a script',
      },
      {
        id: 'powershell-encoded',
        args: /(?:^|\s)[-/](?:e|ec|en|enc|enco|encod|encode|encoded|encodedc\w*)\s+["']?[A-Za-z0-9+/]{12,}={0,2}/i,
        attack: ['T1059.001', 'T1027'],
        score: 70,
        what: 'PowerShell given a base64-encoded command',
      },
      {
        id: 'powershell-hidden',
        args: /(?:^|\s)[-/]w(?:i|in|ind|indo|indow|indows|indowst\w*)?\s+(?:h|hi|hid|hidd|hidde|hidden|1)\b/i,
        attack: ['T1059.001', 'T1564.003'],
        score: 55,
        what: 'PowerShell started with a hidden window',
      },
      {
        id: 'powershell-policy-bypass',
        args: /(?:^|\s)[-/](?:ep|ex|exe|exec|execu\w*)\s+(?:bypass|unrestricted)\b/i,
        attack: ['T1059.001'],
        score: 45,
        what: 'PowerShell execution policy bypassed',
      },
    ],
  },
  {
    binary: 'bash.exe',
    names: ['bash', 'wsl'],
    source: LOLBAS('Binaries/Wsl'),
    abuses: [
      { id: 'wsl-dev-tcp', args: /\/dev\/tcp\//i, attack: ['T1202', 'T1105'], score: 80, what: 'WSL shell opening a raw TCP connection' },
      {
        id: 'wsl-root-exec',
        args: inOrder(/(?:-u\s+root\b|--user\s+root\b)/gi, /(?:-e\b|--exec\b|\s-c\b)/gi),
        attack: ['T1202'],
        score: 65,
        what: 'WSL running a command as root',
      },
      {
        id: 'wsl-exec-windows',
        args: inOrder(/(?:-e\b|--exec\b|\s-c\b)/gi, /(?:\/mnt\/[a-z]\/|\.exe\b|socat|nc\s|\/etc\/shadow)/gi),
        attack: ['T1202'],
        score: 60,
        what: 'WSL used to launch a program outside the usual shell audit',
      },
    ],
  },
  // ---- developer / debugging tools (proxy execution, memory dumps) -----------------------
  {
    binary: 'csc.exe',
    names: ['csc', 'vbc', 'jsc'],
    source: LOLBAS('Binaries/Csc'),
    abuses: [
      {
        id: 'csc-compile-user-dir',
        args: rx(/[\s\S]*/, USER_DIR),
        attack: ['T1027.004'],
        score: 45,
        what: 'compiler building code in a user-writable folder (compile after delivery)',
      },
    ],
  },
  {
    binary: 'microsoft.workflow.compiler.exe',
    names: ['microsoft.workflow.compiler'],
    source: LOLBAS('Binaries/Microsoft.Workflow.Compiler'),
    abuses: [
      {
        id: 'workflow-compiler-run',
        args: /\S+\s+\S+/i,
        attack: ['T1127'],
        score: 70,
        what: 'workflow compiler compiling and running supplied code',
      },
    ],
  },
  {
    binary: 'cdb.exe',
    names: ['cdb', 'ntsd', 'windbg'],
    source: LOLBAS('OtherMSBinaries/Cdb'),
    abuses: [
      {
        id: 'debugger-script',
        args: /(?:-cf?\s+\S|-g\s+\S|\.shell\b|-pd\b)/i,
        attack: ['T1127'],
        score: 60,
        what: 'debugger driven by a script or told to spawn a command',
      },
    ],
  },
  {
    binary: 'procdump.exe',
    names: ['procdump', 'procdump64'],
    source: LOLBAS('OtherMSBinaries/Procdump'),
    abuses: [
      { id: 'procdump-lsass', args: /\blsass(?:\.exe)?\b/i, attack: ['T1003.001'], score: 95, what: 'ProcDump dumping LSASS memory' },
      { id: 'procdump-md', args: /(?:^|\s)-md\s+\S+/i, attack: ['T1202'], score: 60, what: 'ProcDump loading a callback DLL' },
    ],
  },
  {
    binary: 'createdump.exe',
    names: ['createdump', 'dump64', 'dumpminitool', 'sqldumper', 'rdrleakdiag'],
    source: LOLBAS('OtherMSBinaries/Createdump'),
    abuses: [
      {
        id: 'dumper-lsass',
        args: /\blsass\b|\(get-process\s+lsass\)/i,
        attack: ['T1003.001'],
        score: 95,
        what: 'memory-dump utility pointed at LSASS',
      },
      {
        id: 'dumper-full-dump',
        args: /(?:\/fullmemdmp\b|--dumptype\s+full\b|-f\s+\S+\.dmp\b|\s0x01100(?::\d+)?\b|-hang\b|\s\d+\s+\S+\.dmp\b)/i,
        attack: ['T1003'],
        score: 70,
        what: 'memory-dump utility taking a full process dump',
      },
    ],
  },
  {
    binary: 'squirrel.exe',
    names: ['squirrel', 'update'],
    source: LOLBAS('OtherMSBinaries/Squirrel'),
    abuses: [
      {
        id: 'squirrel-proxy',
        args: rx(/--(?:download|update|updaterollback)(?:=|\s+)["']?/, REMOTE, /|--processstart\b/),
        attack: ['T1218', 'T1105'],
        score: 70,
        what: 'Electron app updater fetching or starting a payload',
      },
      {
        id: 'update-startup-shortcut',
        args: inOrder(/--createshortcut=/gi, /-l=startup/gi),
        attack: ['T1547.001'],
        score: 60,
        what: 'Squirrel updater planting a startup shortcut',
      },
    ],
  },
  {
    binary: 'msedge.exe',
    names: ['msedge', 'chrome', 'teams', 'mscopilot', 'msedgewebview2'],
    source: LOLBAS('Binaries/Msedge'),
    abuses: [
      {
        id: 'browser-gpu-launcher',
        args: /--(?:gpu-launcher|utility-cmd-prefix|renderer-cmd-prefix|browser-subprocess-path)\s*=/i,
        attack: ['T1218.015'],
        score: 85,
        what: 'Chromium/Electron app told to start an arbitrary program as a helper',
      },
      {
        id: 'browser-headless-dump',
        args: inOrder(/--headless\b/gi, /--dump-dom\b/gi),
        attack: ['T1105'],
        score: 65,
        what: 'headless browser used as a downloader',
      },
    ],
  },
  {
    binary: 'xwizard.exe',
    source: LOLBAS('Binaries/Xwizard'),
    abuses: [
      {
        id: 'xwizard-runwizard',
        args: /\brunwizard\b/i,
        attack: ['T1218'],
        score: 60,
        what: 'extensible wizard host loading a COM object',
      },
    ],
  },
  {
    binary: 'mmc.exe',
    source: LOLBAS('Binaries/Mmc'),
    abuses: [
      {
        id: 'mmc-embedding',
        args: /-embedding\b/i,
        attack: ['T1218.014'],
        score: 65,
        what: 'management console started embedded with a console file',
      },
    ],
  },
  {
    binary: 'atbroker.exe',
    source: LOLBAS('Binaries/Atbroker'),
    abuses: [
      {
        id: 'atbroker-start',
        args: /\/start\s+\S/i,
        attack: ['T1218'],
        score: 55,
        what: 'accessibility broker starting a registered "assistive technology"',
      },
    ],
  },
  {
    binary: 'appvlp.exe',
    source: LOLBAS('OtherMSBinaries/Appvlp'),
    abuses: [
      {
        id: 'appvlp-launch',
        args: /\S+\.(?:exe|bat|cmd|ps1)\b|\bpowershell\b|\bcmd\b/i,
        attack: ['T1218'],
        score: 60,
        what: 'App-V launcher starting a program',
      },
    ],
  },
  {
    binary: 'bginfo.exe',
    source: LOLBAS('OtherMSBinaries/Bginfo'),
    abuses: [
      {
        id: 'bginfo-script',
        args: either(inOrder(/\.bgi\b/gi, /\/nolicprompt\b/gi), inOrder(/\/nolicprompt\b/gi, /\.bgi\b/gi)),
        attack: ['T1218'],
        score: 50,
        what: 'BGInfo run silently with a config that can carry script',
      },
    ],
  },
  // ---- persistence, services, tasks, registry ----------------------------------------------
  {
    binary: 'schtasks.exe',
    source: LOLBAS('Binaries/Schtasks'),
    abuses: [
      {
        id: 'schtasks-create-shell',
        args: rx(/\/create\b[\s\S]*\/tr\s+["']?[\s\S]*/, '(?:', SHELLS, '|', USER_DIR, ')'),
        attack: ['T1053.005'],
        score: 65,
        what: 'scheduled task created to run a shell/script host or a program in a user folder',
      },
      {
        id: 'schtasks-create-remote',
        args: inOrder(/\/create\b/gi, /\/s\s+\S/gi),
        attack: ['T1053.005'],
        score: 60,
        what: 'scheduled task created on a remote host',
      },
      {
        id: 'schtasks-create-system',
        args: inOrder(/\/create\b/gi, /\/ru\s+["']?(?:system|nt authority\\system)\b/gi),
        attack: ['T1053.005'],
        score: 55,
        what: 'scheduled task created to run as SYSTEM',
      },
      { id: 'schtasks-create', args: /\/create\b/i, attack: ['T1053.005'], score: 40, what: 'scheduled task created' },
    ],
  },
  {
    binary: 'at.exe',
    names: ['at'],
    source: LOLBAS('Binaries/At'),
    abuses: [
      {
        id: 'at-schedule',
        args: /^\s+(?:\\\\\S+\s+)?\d{1,2}:\d{2}\b[\s\S]*(?:\/interactive|\/every|\.exe|\.bat|\bcmd\b|powershell)/i,
        attack: ['T1053.002'],
        score: 55,
        what: 'legacy at job scheduled',
      },
    ],
  },
  {
    binary: 'sc.exe',
    names: ['sc'],
    source: LOLBAS('Binaries/Sc'),
    abuses: [
      {
        id: 'sc-defender-off',
        args: /^\s+(?:\\\\\S+\s+)?(?:stop|delete|config)\s+["']?(?:windefend|sense|wdnissvc|wdboot|wdfilter|mpssvc|eventlog|sysmon\w*)\b/i,
        attack: ['T1562.001'],
        score: 80,
        what: 'security or logging service stopped/disabled',
      },
      {
        id: 'sc-create-shell',
        args: rx(/^\s+(?:\\\\\S+\s+)?(?:create|config)\b[\s\S]*binpath\s*=\s*["']?[\s\S]*/, '(?:', SHELLS, '|', USER_DIR, ')'),
        attack: ['T1543.003', 'T1569.002'],
        score: 70,
        what: 'service pointed at a shell or a program in a user folder',
      },
      {
        id: 'sc-remote-create',
        args: /^\s+\\\\\S+\s+(?:create|config|start)\b/i,
        attack: ['T1543.003', 'T1569.002', 'T1021.002'],
        score: 65,
        what: 'service created/started on a remote host',
      },
      {
        id: 'sc-ads',
        args: rx(/binpath\s*=\s*["']?/, ADS),
        attack: ['T1564.004', 'T1543.003'],
        score: 80,
        what: 'service binary in an alternate data stream',
      },
      { id: 'sc-create', args: /^\s+(?:create)\b[\s\S]*binpath\s*=/i, attack: ['T1543.003'], score: 40, what: 'service created' },
    ],
  },
  {
    binary: 'reg.exe',
    names: ['reg'],
    source: LOLBAS('Binaries/Reg'),
    abuses: [
      {
        id: 'reg-hive-dump',
        args: /^\s+(?:save|export)\s+["']?(?:hklm|hkey_local_machine)\\(?:sam|system|security)\b/i,
        attack: ['T1003.002'],
        score: 85,
        what: 'SAM/SYSTEM/SECURITY hive saved (offline credential extraction)',
      },
      {
        id: 'reg-wdigest',
        args: /\buselogoncredential\b/i,
        attack: ['T1112', 'T1003.001'],
        score: 80,
        what: 'WDigest plaintext credential caching switched on',
      },
      {
        id: 'reg-defender-off',
        args: /^\s+add\b[\s\S]*(?:disableantispyware|disableantivirus|disablerealtimemonitoring|disablebehaviormonitoring|disableioavprotection|disableonaccessprotection|tamperprotection|\\windows defender\\exclusions|\\policies\\microsoft\\windows defender(?: security center)?\\)/i,
        attack: ['T1562.001', 'T1112'],
        score: 80,
        what: 'Defender disabled or excluded through the registry',
      },
      {
        id: 'reg-ifeo-debugger',
        args: inOrder(/^\s+add\b/gi, /image file execution options/gi, /\b(?:debugger|globalflag)\b/gi),
        attack: ['T1546.012'],
        score: 75,
        what: 'image-file-execution-options debugger hijack',
      },
      {
        id: 'reg-uac-off',
        args: /^\s+add\b[\s\S]*\b(?:enablelua|consentpromptbehavioradmin|localaccounttokenfilterpolicy)\b/i,
        attack: ['T1548.002', 'T1112'],
        score: 70,
        what: 'UAC weakened through the registry',
      },
      {
        id: 'reg-run-key',
        args: /^\s+add\s+["']?(?:hkcu|hklm|hkey_current_user|hkey_local_machine)\\software\\(?:wow6432node\\)?microsoft\\windows\\currentversion\\(?:run|runonce|runservices|runservicesonce|policies\\explorer\\run)\b|^\s+add\b[\s\S]*\\winlogon["']?\s[\s\S]*\/v\s+["']?(?:userinit|shell)\b|^\s+add\b[\s\S]*userinitmprlogonscript/i,
        attack: ['T1547.001'],
        score: 65,
        what: 'autostart registry entry written',
      },
      {
        id: 'reg-lsa-protection-off',
        args: inOrder(
          /^\s+add\b/gi,
          /\\control\\lsa["']?\s/gi,
          /\/v\s+["']?(?:runasppl|disablerestrictedadmin|lmcompatibilitylevel|nolmhash)\b/gi,
        ),
        attack: ['T1562.001', 'T1112'],
        score: 75,
        what: 'LSA credential protections weakened',
      },
      {
        id: 'reg-logging-off',
        args: /^\s+add\b[\s\S]*(?:\\wmi\\autologger\\|\\winevt\\channels\\|\betwenabled\b|\bcomplus_etwenabled\b|\bscriptblocklogging\b|\bmodulelogging\b)/i,
        attack: ['T1562.002', 'T1562.006'],
        score: 75,
        what: 'event logging or ETW tracing switched off',
      },
      {
        id: 'reg-protection-off',
        args: /^\s+add\b[\s\S]*(?:\bamsienable\b|hypervisorenforcedcodeintegrity|\\windows defender exploit guard\\|\benablesmartscreen\b|\bdisableprivacyexperience\b)/i,
        attack: ['T1562.001', 'T1112'],
        score: 70,
        what: 'a Windows protection feature switched off',
      },
      {
        id: 'reg-com-hijack',
        args: /^\s+add\s+["']?(?:hkcu|hkey_current_user)\\software\\classes\\clsid\\\{[^}]+\}\\(?:inprocserver32|localserver32)\b/i,
        attack: ['T1546.015'],
        score: 65,
        what: 'per-user COM server registered (COM hijack)',
      },
      {
        id: 'reg-autologon',
        args: inOrder(/^\s+add\b/gi, /\\winlogon["']?\s/gi, /\/v\s+["']?(?:autoadminlogon|defaultpassword)\b/gi),
        attack: ['T1112', 'T1552.002'],
        score: 60,
        what: 'automatic logon with a stored password configured',
      },
      {
        id: 'reg-policy-restriction',
        args: /^\s+add\s+["']?(?:hkcu|hklm|hkey_current_user|hkey_local_machine)\\software\\(?:microsoft\\windows\\currentversion\\)?policies\\(?:microsoft\\windows\\)?(?:system|explorer)\b[\s\S]*\/v\s+["']?(?:disable\w+|no\w+|hide\w+|shutdownwithoutlogon|startmenulogoff)\b/i,
        attack: ['T1112'],
        score: 45,
        what: 'user-interface restriction policy written (typical of malware locking a desktop)',
      },
      {
        id: 'reg-safeboot-service',
        args: /^\s+add\b[\s\S]*\\control\\safeboot\\(?:minimal|network)\\/i,
        attack: ['T1562.009'],
        score: 70,
        what: 'service registered to start in safe mode',
      },
      {
        id: 'reg-rdp-enable',
        args: inOrder(/^\s+add\b/gi, /terminal server/gi, /(?:fdenytsconnections|userauthentication|portnumber|fsinglesessionperuser)\b/gi),
        attack: ['T1021.001', 'T1112'],
        score: 55,
        what: 'remote desktop settings changed',
      },
      {
        id: 'reg-credential-query',
        args: /^\s+query\b[\s\S]*(?:\/f\s+["']?password|\\winlogon\b|\\putty\\sessions|\\realvnc|\\tightvnc|\bsnmp\b)/i,
        attack: ['T1552.002'],
        score: 55,
        what: 'registry searched for stored credentials',
      },
      {
        id: 'reg-ads',
        args: rx(/^\s+(?:export|save)\b[\s\S]*\s/, ADS),
        attack: ['T1564.004'],
        score: 75,
        what: 'registry exported into an alternate data stream',
      },
    ],
  },
  {
    binary: 'regedit.exe',
    source: LOLBAS('Binaries/Regedit'),
    abuses: [
      {
        id: 'regedit-ads',
        args: rx(/\s/, ADS),
        attack: ['T1564.004'],
        score: 70,
        what: 'registry editor importing/exporting through an alternate data stream',
      },
      {
        id: 'regedit-silent-import',
        args: /(?:^|\s)\/s\s+\S+\.reg\b/i,
        attack: ['T1112'],
        score: 45,
        what: 'registry file imported silently',
      },
    ],
  },
  {
    binary: 'netsh.exe',
    source: LOLBAS('Binaries/Netsh'),
    abuses: [
      {
        id: 'netsh-helper-dll',
        args: /\badd\s+helper\b/i,
        attack: ['T1546.007'],
        score: 70,
        what: 'netsh helper DLL registered (persistence)',
      },
      {
        id: 'netsh-firewall-off',
        args: /\b(?:advfirewall\s+set\s+\w+\s+state\s+off|firewall\s+set\s+opmode\s+(?:mode=)?disable)\b/i,
        attack: ['T1562.004'],
        score: 75,
        what: 'Windows firewall switched off',
      },
      {
        id: 'netsh-portproxy',
        args: /\binterface\s+portproxy\s+add\b/i,
        attack: ['T1090.001'],
        score: 65,
        what: 'port forwarding set up (pivoting)',
      },
      {
        id: 'netsh-wifi-keys',
        args: inOrder(/\bwlan\s+show\s+profiles?\b/gi, /key\s*=\s*clear/gi),
        attack: ['T1016.002', 'T1555'],
        score: 55,
        what: 'saved Wi-Fi keys shown in clear',
      },
      {
        id: 'netsh-firewall-open',
        args: /\bfirewall\s+add\s+(?:rule|allowedprogram|portopening)\b[\s\S]*(?:action\s*=\s*allow|enable)/i,
        attack: ['T1562.004'],
        score: 45,
        what: 'firewall opened for a program or port',
      },
    ],
  },
  // ---- defence evasion / impact --------------------------------------------------------------
  {
    binary: 'vssadmin.exe',
    source: ATTACK('T1490'),
    abuses: [
      {
        id: 'vssadmin-delete-shadows',
        args: /^\s+delete\s+shadows\b/i,
        attack: ['T1490'],
        score: 90,
        what: 'volume shadow copies deleted (ransomware precursor)',
      },
      {
        id: 'vssadmin-resize-storage',
        args: /^\s+resize\s+shadowstorage\b/i,
        attack: ['T1490'],
        score: 75,
        what: 'shadow storage shrunk (silently drops shadow copies)',
      },
      {
        id: 'vssadmin-create-shadow',
        args: /^\s+create\s+shadow\b/i,
        attack: ['T1003.003'],
        score: 55,
        what: 'shadow copy created (to read locked NTDS.dit/SAM)',
      },
    ],
  },
  {
    binary: 'wbadmin.exe',
    source: ATTACK('T1490'),
    abuses: [
      {
        id: 'wbadmin-delete',
        args: /^\s+delete\s+(?:catalog|systemstatebackup|backup)\b/i,
        attack: ['T1490'],
        score: 90,
        what: 'backups deleted',
      },
      {
        id: 'wbadmin-ntds',
        args: /^\s+start\s+(?:backup|recovery)\b[\s\S]*ntds\.dit/i,
        attack: ['T1003.003'],
        score: 80,
        what: 'backup tool copying NTDS.dit',
      },
    ],
  },
  {
    binary: 'bcdedit.exe',
    source: ATTACK('T1490'),
    abuses: [
      {
        id: 'bcdedit-recovery-off',
        args: /\b(?:recoveryenabled\s+(?:no|off|0)|bootstatuspolicy\s+ignoreallfailures)\b/i,
        attack: ['T1490'],
        score: 85,
        what: 'Windows recovery disabled at boot',
      },
      {
        id: 'bcdedit-test-signing',
        args: /\b(?:testsigning|nointegritychecks)\s+(?:on|yes|1)\b/i,
        attack: ['T1553.006'],
        score: 70,
        what: 'driver signature enforcement weakened',
      },
      {
        id: 'bcdedit-safeboot',
        args: inOrder(/\/set\b/gi, /\bsafeboot\b/gi),
        attack: ['T1562.009'],
        score: 65,
        what: 'next boot forced into safe mode (evades security tools)',
      },
    ],
  },
  {
    binary: 'wevtutil.exe',
    source: ATTACK('T1070.001'),
    abuses: [
      { id: 'wevtutil-clear', args: /^\s+(?:cl|clear-log)\b/i, attack: ['T1070.001'], score: 80, what: 'event log cleared' },
      {
        id: 'wevtutil-disable-log',
        args: /^\s+(?:sl|set-log)\b[\s\S]*\/(?:e|enabled):\s*false\b/i,
        attack: ['T1562.002'],
        score: 70,
        what: 'event log disabled',
      },
    ],
  },
  {
    binary: 'auditpol.exe',
    source: ATTACK('T1562.002'),
    abuses: [
      {
        id: 'auditpol-disable',
        args: /(?:\/clear\b|\/remove\b|\/success:disable\b|\/failure:disable\b)/i,
        attack: ['T1562.002'],
        score: 70,
        what: 'audit policy cleared or disabled',
      },
    ],
  },
  {
    binary: 'fltmc.exe',
    source: LOLBAS('Binaries/FltMC'),
    abuses: [
      {
        id: 'fltmc-unload',
        args: /^\s+(?:unload|detach)\b/i,
        attack: ['T1562.001'],
        score: 80,
        what: 'file-system minifilter (e.g. Sysmon) unloaded',
      },
    ],
  },
  {
    binary: 'fsutil.exe',
    source: LOLBAS('Binaries/Fsutil'),
    abuses: [
      { id: 'fsutil-usn-delete', args: /\busn\s+deletejournal\b/i, attack: ['T1070'], score: 70, what: 'NTFS change journal deleted' },
      { id: 'fsutil-zero-data', args: /\bsetzerodata\b/i, attack: ['T1485'], score: 65, what: 'file contents zeroed' },
    ],
  },
  {
    binary: 'cipher.exe',
    source: LOLBAS('Binaries/Cipher'),
    abuses: [{ id: 'cipher-wipe', args: /\/w:/i, attack: ['T1485', 'T1070.004'], score: 55, what: 'free space wiped (anti-forensics)' }],
  },
  {
    binary: 'cmd.exe',
    names: ['cmd'],
    source: LOLBAS('Binaries/Cmd'),
    abuses: [
      {
        id: 'cmd-ads-exec',
        args: rx(/(?:<\s*|\/c\s+|\/k\s+)/, ADS),
        attack: ['T1564.004', 'T1059.003'],
        score: 75,
        what: 'command shell reading or running a payload in an alternate data stream',
      },
      {
        id: 'cmd-write-ads',
        args: rx(/\becho\b[^>]*>\s*["']?/, ADS),
        attack: ['T1564.004'],
        score: 70,
        what: 'command output written into an alternate data stream',
      },
    ],
  },
  // ---- discovery and lateral movement (admin tools ATT&CK names) ----------------------------
  {
    binary: 'net.exe',
    names: ['net', 'net1'],
    source: ATTACK('T1087'),
    abuses: [
      {
        id: 'net-admin-group-add',
        args: /^\s+(?:localgroup|group)\s+["']?(?:administrators|domain admins|enterprise admins|remote desktop users)["']?\s+\S+[\s\S]*\/add\b/i,
        attack: ['T1098'],
        score: 70,
        what: 'account added to a privileged group',
      },
      {
        id: 'net-user-add',
        args: /^\s+user\s+\S+\s+\S+[\s\S]*\/add\b/i,
        attack: ['T1136.001'],
        score: 60,
        what: 'local account created with a password',
      },
      {
        id: 'net-admin-share',
        args: /^\s+use\s+\\\\[^\s\\]+\\(?:[a-z]\$|admin\$|ipc\$)/i,
        attack: ['T1021.002'],
        score: 55,
        what: 'admin share mounted on another host',
      },
      {
        id: 'net-stop-security',
        args: /^\s+stop\s+["']?(?:windefend|sense|mpssvc|wscsvc|eventlog|sysmon\w*|msmpsvc|sophos[\w ]*|mcafee\w*|sqlwriter|vss|backupexec\w*)\b/i,
        attack: ['T1489', 'T1562.001'],
        score: 65,
        what: 'security, logging or backup service stopped',
      },
      {
        id: 'net-share-delete',
        args: /^\s+(?:share\s+\S+\s+\/delete|use\s+\S*\s*\/delete)\b/i,
        attack: ['T1070.005'],
        score: 40,
        what: 'network share or connection removed (covering tracks)',
      },
      {
        id: 'net-guest-enable',
        args: /^\s+user\s+guest\s+\/active:yes\b/i,
        attack: ['T1078.001'],
        score: 60,
        what: 'built-in guest account enabled',
      },
      {
        id: 'net-domain-admins',
        args: /^\s+group\s+["']?(?:domain admins|enterprise admins|domain controllers|domain computers)["']?[\s\S]*\/domain\b|^\s+group\s+\/domain\s+["']?(?:domain admins|enterprise admins|domain controllers|domain computers)/i,
        attack: ['T1069.002', 'T1018'],
        score: 45,
        what: 'privileged domain groups enumerated',
      },
      {
        id: 'net-domain-accounts',
        args: /^\s+(?:user|group|accounts)\s+\/domain\b/i,
        attack: ['T1087.002'],
        score: 40,
        what: 'domain accounts enumerated',
      },
    ],
  },
  {
    binary: 'nltest.exe',
    source: ATTACK('T1482'),
    abuses: [
      {
        id: 'nltest-trusts',
        args: /\/(?:domain_trusts|all_trusts|trusted_domains)\b/i,
        attack: ['T1482'],
        score: 55,
        what: 'domain trusts enumerated',
      },
      { id: 'nltest-dclist', args: /\/(?:dclist|dsgetdc)\b/i, attack: ['T1018'], score: 45, what: 'domain controllers enumerated' },
    ],
  },
  {
    binary: 'dsquery.exe',
    names: ['dsquery', 'dsget'],
    source: ATTACK('T1087.002'),
    abuses: [
      {
        id: 'dsquery-ldap',
        args: /^\s+(?:\*|user|computer|group|subnet|server|trust|site)\b[\s\S]*(?:-filter|-limit\s+0|-attr|\(\w+=)|^\s+\*\s|^\s+(?:user|computer|group)\b/i,
        attack: ['T1087.002', 'T1018'],
        score: 45,
        what: 'Active Directory queried for accounts/computers',
      },
    ],
  },
  {
    binary: 'adfind.exe',
    names: ['adfind'],
    source: ATTACK('T1087.002'),
    abuses: [
      {
        id: 'adfind-query',
        args: /(?:-f\s+["']?\(?[\w&|!]*\(?\s*\w+\s*=|-sc\s+\w+|-gcb\b|-b\s+\S|objectcategory=|trustdmp|dcmodes|-subnets)/i,
        attack: ['T1087.002', 'T1482', 'T1018'],
        score: 65,
        what: 'AdFind dumping Active Directory (ransomware reconnaissance)',
      },
    ],
  },
  {
    binary: 'ntdsutil.exe',
    source: LOLBAS('OtherMSBinaries/Ntdsutil'),
    abuses: [
      {
        id: 'ntdsutil-ifm',
        args: /\bifm\b|\bcreate\s+full\b|\bac(?:tivate)?\s+i(?:nstance)?\s+ntds\b/i,
        attack: ['T1003.003'],
        score: 90,
        what: 'NTDS.dit copied with ntdsutil (install-from-media)',
      },
    ],
  },
  {
    binary: 'dsdbutil.exe',
    source: LOLBAS('Binaries/dsdbutil'),
    abuses: [
      {
        id: 'dsdbutil-snapshot',
        args: inOrder(/activate\s+instance\s+ntds/gi, /snapshot/gi),
        attack: ['T1003.003'],
        score: 80,
        what: 'AD database snapshot taken/mounted',
      },
    ],
  },
  {
    binary: 'diskshadow.exe',
    source: LOLBAS('Binaries/Diskshadow'),
    abuses: [
      {
        id: 'diskshadow-script',
        args: /(?:^|\s)\/s\s+\S+/i,
        attack: ['T1003.003'],
        score: 65,
        what: 'shadow copy tool driven by a script (NTDS.dit theft)',
      },
      { id: 'diskshadow-exec', args: /^\s*>?\s*exec\s+\S+/i, attack: ['T1202'], score: 60, what: 'shadow copy tool executing a program' },
    ],
  },
  {
    binary: 'psexec.exe',
    names: ['psexec', 'psexec64', 'paexec'],
    source: ATTACK('T1569.002'),
    abuses: [
      {
        id: 'psexec-remote',
        args: /\\\\[\w.$-]+/i,
        attack: ['T1569.002', 'T1021.002'],
        score: 65,
        what: 'PsExec running a command on another host',
      },
      {
        id: 'psexec-system',
        args: /(?:^|\s)-(?:s|i)\b/i,
        attack: ['T1569.002'],
        score: 55,
        what: 'PsExec starting a SYSTEM or interactive process',
      },
    ],
  },
  {
    binary: 'cmdkey.exe',
    names: ['cmdkey'],
    source: LOLBAS('Binaries/Cmdkey'),
    abuses: [
      {
        id: 'cmdkey-add-pass',
        args: inOrder(/\/add:/gi, /\/pass(?::|\s)/gi),
        attack: ['T1078'],
        score: 50,
        what: 'credential stored for a remote host',
      },
      { id: 'cmdkey-list', args: /\/list\b/i, attack: ['T1003.005', 'T1087'], score: 40, what: 'stored credentials listed' },
    ],
  },
  {
    binary: 'dnscmd.exe',
    source: LOLBAS('Binaries/Dnscmd'),
    abuses: [
      {
        id: 'dnscmd-plugin-dll',
        args: /\/serverlevelplugindll\b/i,
        attack: ['T1543.003'],
        score: 85,
        what: 'DNS server told to load a plugin DLL (runs as SYSTEM on a DC)',
      },
    ],
  },
  {
    binary: 'pktmon.exe',
    source: LOLBAS('Binaries/Pktmon'),
    abuses: [
      {
        id: 'pktmon-capture',
        args: /^\s+(?:start\b[\s\S]*(?:--etw|-c\b|--capture)|filter\s+add\b)/i,
        attack: ['T1040'],
        score: 50,
        what: 'packet capture started',
      },
    ],
  },
  {
    binary: 'psr.exe',
    source: LOLBAS('Binaries/Psr'),
    abuses: [
      {
        id: 'psr-record',
        args: inOrder(/\/start\b/gi, /\/gui\s+0/gi),
        attack: ['T1113'],
        score: 60,
        what: 'steps recorder capturing the screen without its window',
      },
    ],
  },
  {
    binary: 'ldifde.exe',
    names: ['ldifde', 'csvde'],
    source: LOLBAS('Binaries/Ldifde'),
    abuses: [
      {
        id: 'ldifde-import',
        args: inOrder(/(?:^|\s)-i\b/gi, /-f\s+\S/gi),
        attack: ['T1105'],
        score: 45,
        what: 'LDIF import that can write attacker-controlled files',
      },
    ],
  },
  {
    binary: 'mofcomp.exe',
    source: LOLBAS('Binaries/Mofcomp'),
    abuses: [
      {
        id: 'mofcomp-compile',
        args: /\S+\.mof\b/i,
        attack: ['T1047', 'T1546.003'],
        score: 55,
        what: 'MOF file compiled into WMI (possible event-subscription persistence)',
      },
    ],
  },
  {
    binary: 'gfxdownloadwrapper.exe',
    source: LOLBAS('Binaries/GfxDownloadWrapper'),
    abuses: [
      {
        id: 'gfxdownloadwrapper-download',
        args: /^\s*["']?\S+["']?\s+["']?\S+/i,
        attack: ['T1105'],
        score: 70,
        what: 'Intel graphics helper used to download a file',
      },
    ],
  },
  // ---- less common proxies and downloaders (each with a distinctive argument) ---------------
  {
    binary: 'winword.exe',
    names: [
      'winword',
      'excel',
      'powerpnt',
      'msaccess',
      'mspub',
      'visio',
      'winproj',
      'outlook',
      'msohtmed',
      'protocolhandler',
      'ecmangen',
      'xsd',
      'ngen',
      'imewdbld',
      'msoxmled',
      'configsecuritypolicy',
      'msedge_proxy',
    ],
    source: LOLBAS('OtherMSBinaries/Winword'),
    abuses: [
      {
        id: 'office-url-download',
        args: rx(REMOTE),
        attack: ['T1105'],
        score: 60,
        what: 'Office or helper binary given a URL so it downloads into the cache',
      },
    ],
  },
  {
    binary: 'certoc.exe',
    source: LOLBAS('Binaries/Certoc'),
    abuses: [
      { id: 'certoc-loaddll', args: /-loaddll\b/i, attack: ['T1218'], score: 75, what: 'certificate tool loading a DLL' },
      {
        id: 'certoc-download',
        args: rx(/-getcacaps\s+["']?/, REMOTE),
        attack: ['T1105'],
        score: 70,
        what: 'certificate tool fetching a remote file',
      },
    ],
  },
  {
    binary: 'datasvcutil.exe',
    source: LOLBAS('Binaries/DataSvcUtil'),
    abuses: [
      {
        id: 'datasvcutil-upload',
        args: rx(/\/uri:\s*["']?/, REMOTE),
        attack: ['T1567'],
        score: 60,
        what: 'data-service tool contacting a remote URL (exfiltration channel)',
      },
    ],
  },
  {
    binary: 'cmdl32.exe',
    source: LOLBAS('Binaries/Cmdl32'),
    abuses: [
      {
        id: 'cmdl32-download',
        args: inOrder(/\/vpn\b/gi, /\/lan\b/gi),
        attack: ['T1105'],
        score: 70,
        what: 'connection-manager helper downloading through a crafted profile',
      },
    ],
  },
  {
    binary: 'finger.exe',
    names: ['finger'],
    source: LOLBAS('Binaries/Finger'),
    abuses: [
      {
        id: 'finger-pipe-shell',
        args: inOrder(/\|/gi, /\b(?:cmd|powershell|pwsh)(?:\.exe)?\b/gi),
        attack: ['T1105'],
        score: 85,
        what: 'finger reply piped into a shell (remote command retrieval)',
      },
    ],
  },
  {
    binary: 'type',
    names: ['type'],
    source: LOLBAS('Binaries/Cmd'),
    abuses: [
      {
        id: 'type-from-share',
        args: rx(/^\s+["']?\\\\[\w.$-]+\\[^>]*>/),
        attack: ['T1105'],
        score: 45,
        what: 'file copied from a network share with type and redirection',
      },
      {
        id: 'type-to-share',
        args: /^\s+[^>]+>\s*["']?\\\\[\w.$-]+\\/i,
        attack: ['T1048.003'],
        score: 50,
        what: 'file copied to a network share with type and redirection',
      },
    ],
  },
  {
    binary: 'gpscript.exe',
    source: LOLBAS('Binaries/Gpscript'),
    abuses: [
      {
        id: 'gpscript-run',
        args: /^\s+\/(?:logon|startup)\b/i,
        attack: ['T1218'],
        score: 50,
        what: 'group-policy script runner started by hand',
      },
    ],
  },
  {
    binary: 'ilasm.exe',
    source: LOLBAS('Binaries/Ilasm'),
    abuses: [
      { id: 'ilasm-build', args: /\/(?:exe|dll)\b/i, attack: ['T1127'], score: 55, what: 'IL assembler building an executable from text' },
    ],
  },
  {
    binary: 'pcwrun.exe',
    source: LOLBAS('Binaries/Pcwrun'),
    abuses: [
      {
        id: 'pcwrun-launch',
        args: /\.exe\b|\$\(/i,
        attack: ['T1218', 'T1202'],
        score: 60,
        what: 'compatibility troubleshooter launching a program',
      },
    ],
  },
  {
    binary: 'pnputil.exe',
    source: LOLBAS('Binaries/Pnputil'),
    abuses: [
      {
        id: 'pnputil-legacy-install',
        args: inOrder(/(?:^|\s)-i\b/gi, /-a\b/gi, /\.inf\b/gi),
        attack: ['T1547'],
        score: 45,
        what: 'driver package installed with the legacy switches',
      },
    ],
  },
  {
    binary: 'printbrm.exe',
    source: LOLBAS('Binaries/PrintBrm'),
    abuses: [
      {
        id: 'printbrm-ads',
        args: rx(/\s/, ADS),
        attack: ['T1564.004'],
        score: 65,
        what: 'printer migration tool writing into an alternate data stream',
      },
      {
        id: 'printbrm-remote',
        args: rx(/-d\s+["']?/, REMOTE),
        attack: ['T1105'],
        score: 55,
        what: 'printer migration tool packing a remote folder',
      },
    ],
  },
  {
    binary: 'rasautou.exe',
    source: LOLBAS('Binaries/Rasautou'),
    abuses: [
      {
        id: 'rasautou-dll',
        args: inOrder(/-d\s+\S+?\.dll\b/gi, /-p\s+\S/gi),
        attack: ['T1218'],
        score: 70,
        what: 'remote-access dialer loading a DLL export',
      },
    ],
  },
  {
    binary: 'regini.exe',
    source: LOLBAS('Binaries/Regini'),
    abuses: [
      {
        id: 'regini-ads',
        args: rx(/\s/, ADS),
        attack: ['T1564.004', 'T1112'],
        score: 65,
        what: 'registry script read from an alternate data stream',
      },
    ],
  },
  {
    binary: 'register-cimprovider.exe',
    names: ['register-cimprovider'],
    source: LOLBAS('Binaries/Register-cimprovider'),
    abuses: [
      {
        id: 'register-cimprovider-dll',
        args: /-path\s+\S+\.dll\b/i,
        attack: ['T1218'],
        score: 65,
        what: 'CIM provider DLL registered and loaded',
      },
    ],
  },
  {
    binary: 'rpcping.exe',
    source: LOLBAS('Binaries/Rpcping'),
    abuses: [
      {
        id: 'rpcping-ntlm',
        args: /[-/]u\s+ntlm\b/i,
        attack: ['T1187'],
        score: 55,
        what: 'RPC ping sending NTLM authentication to a chosen host (hash capture/relay)',
      },
    ],
  },
  {
    binary: 'runscripthelper.exe',
    source: LOLBAS('Binaries/Runscripthelper'),
    abuses: [
      {
        id: 'runscripthelper-surfacecheck',
        args: /\bsurfacecheck\b/i,
        attack: ['T1218'],
        score: 65,
        what: 'diagnostic script helper running a PowerShell file',
      },
    ],
  },
  {
    binary: 'ssh.exe',
    names: ['ssh', 'scp', 'sftp'],
    source: LOLBAS('Binaries/Ssh'),
    abuses: [
      {
        id: 'ssh-proxycommand',
        args: /\b(?:proxycommand|pkcs11provider|localcommand)\s*=|(?:^|\s)-S\s+["']?\S+\.exe\b/i,
        attack: ['T1202'],
        score: 60,
        what: 'SSH client told to run a local program (ProxyCommand and kin)',
      },
    ],
  },
  {
    binary: 'settingsynchost.exe',
    source: LOLBAS('Binaries/Settingsynchost'),
    abuses: [
      {
        id: 'settingsynchost-diagscript',
        args: /-loadandrundiagscript/i,
        attack: ['T1218', 'T1202'],
        score: 65,
        what: 'settings-sync host running a diagnostic script',
      },
    ],
  },
  {
    binary: 'tar.exe',
    names: ['tar'],
    source: LOLBAS('Binaries/Tar'),
    abuses: [
      {
        id: 'tar-ads',
        args: rx(/\s-?\w*f\s+["']?/, ADS),
        attack: ['T1564.004'],
        score: 60,
        what: 'archive written to or read from an alternate data stream',
      },
    ],
  },
  {
    binary: 'ttdinject.exe',
    names: ['ttdinject', 'tttracer'],
    source: LOLBAS('Binaries/Ttdinject'),
    abuses: [
      {
        id: 'ttd-dump',
        args: inOrder(/-dumpfull\b/gi, /-attach\b/gi),
        attack: ['T1003'],
        score: 70,
        what: 'time-travel tracer dumping a running process',
      },
      {
        id: 'ttd-launch',
        args: /\/launch\b|^\s+["']?\S+\.exe\b/i,
        attack: ['T1127'],
        score: 55,
        what: 'time-travel tracer used to start a program',
      },
    ],
  },
  {
    binary: 'verclsid.exe',
    source: LOLBAS('Binaries/Verclsid'),
    abuses: [
      {
        id: 'verclsid-com',
        args: inOrder(/\/s\b/gi, /\/c\s+\{/gi),
        attack: ['T1218.012'],
        score: 65,
        what: 'shell-extension verifier instantiating a COM object',
      },
    ],
  },
  {
    binary: 'winget.exe',
    source: LOLBAS('Binaries/Winget'),
    abuses: [
      {
        id: 'winget-local-manifest',
        args: inOrder(/\binstall\b/gi, /(?:--manifest|-m)\s+\S/gi),
        attack: ['T1105'],
        score: 50,
        what: 'package manager installing from a local manifest (any download URL)',
      },
    ],
  },
  {
    binary: 'wlrmdr.exe',
    source: LOLBAS('Binaries/Wlrmdr'),
    abuses: [{ id: 'wlrmdr-launch', args: /-u\s+\S+/i, attack: ['T1202'], score: 60, what: 'logon reminder launching a program' }],
  },
  {
    binary: 'wuauclt.exe',
    source: LOLBAS('Binaries/Wuauclt'),
    abuses: [
      {
        id: 'wuauclt-dll',
        args: inOrder(/\/updatedeploymentprovider\b/gi, /\/runhandlercomserver\b/gi),
        attack: ['T1218'],
        score: 80,
        what: 'Windows Update client loading a DLL',
      },
    ],
  },
  {
    binary: 'ie4uinit.exe',
    source: LOLBAS('Binaries/Ie4uinit'),
    abuses: [
      {
        id: 'ie4uinit-basesettings',
        args: /-basesettings\b/i,
        attack: ['T1218'],
        score: 55,
        what: 'IE setup helper running commands from a planted INF',
      },
    ],
  },
  {
    binary: 'addinutil.exe',
    source: LOLBAS('Binaries/Addinutil'),
    abuses: [
      {
        id: 'addinutil-root',
        args: /-addinroot:/i,
        attack: ['T1218'],
        score: 60,
        what: 'add-in utility deserialising a planted add-in store',
      },
    ],
  },
  {
    binary: 'aspnet_compiler.exe',
    source: LOLBAS('Binaries/Aspnet_Compiler'),
    abuses: [
      {
        id: 'aspnet-compiler-build',
        args: inOrder(/-p\s+\S/gi, /-f\s+\S/gi),
        attack: ['T1127'],
        score: 55,
        what: 'ASP.NET compiler building attacker code',
      },
    ],
  },
  {
    binary: 'extexport.exe',
    source: LOLBAS('Binaries/Extexport'),
    abuses: [
      {
        id: 'extexport-dll',
        args: /^\s+\S+\s+\S+\s+\S+/i,
        attack: ['T1218'],
        score: 50,
        what: 'IE export helper loading DLLs from a chosen folder',
      },
    ],
  },
  {
    binary: 'provlaunch.exe',
    source: LOLBAS('Binaries/Provlaunch'),
    abuses: [
      { id: 'provlaunch-run', args: /^\s+\S+/i, attack: ['T1218'], score: 50, what: 'provisioning launcher running a planted command' },
    ],
  },
  {
    binary: 'cl_invocation.ps1',
    names: [
      'cl_invocation.ps1',
      'cl_mutexverifiers.ps1',
      'cl_loadassembly.ps1',
      'utilityfunctions.ps1',
      'launch-vsdevshell.ps1',
      'pester.bat',
    ],
    source: LOLBAS('Scripts/Cl_invocation'),
    // Exception to "arguments decide": these scripts exist to be sourced by Windows troubleshooters.
    abuses: [
      {
        id: 'signed-script-proxy',
        args: /(?:)/i,
        attack: ['T1216'],
        score: 55,
        what: 'signed diagnostic/developer script sourced to proxy execution (no everyday admin use)',
      },
    ],
  },
  {
    binary: 'acccheckconsole.exe',
    source: LOLBAS('OtherMSBinaries/AccCheckConsole'),
    abuses: [
      {
        id: 'acccheckconsole-dll',
        args: inOrder(/-window\b/gi, /\.dll\b/gi),
        attack: ['T1218'],
        score: 60,
        what: 'accessibility checker loading a DLL',
      },
    ],
  },
  {
    binary: 'adplus.exe',
    source: LOLBAS('OtherMSBinaries/Adplus'),
    abuses: [
      { id: 'adplus-lsass', args: /-pn\s+lsass\b/i, attack: ['T1003.001'], score: 95, what: 'debug dump tool pointed at LSASS' },
      {
        id: 'adplus-config',
        args: /(?:^|\s)-c\s+\S+\.xml\b|-sc\s+\S+/i,
        attack: ['T1127', 'T1003'],
        score: 55,
        what: 'debug dump tool driven by a config or spawning a program',
      },
    ],
  },
  {
    binary: 'agentexecutor.exe',
    source: LOLBAS('OtherMSBinaries/Agentexecutor'),
    abuses: [
      {
        id: 'agentexecutor-powershell',
        args: /-powershell\b|-remediationscript\b/i,
        attack: ['T1218'],
        score: 60,
        what: 'Intune agent executor running a script',
      },
    ],
  },
  {
    binary: 'applauncher.exe',
    names: ['applauncher', 'appcert', 'pixtool', 'mftrace', 'vsjitdebugger', 'winfile', 'openconsole', 'dxcap', 'runexehelper'],
    source: LOLBAS('OtherMSBinaries/AppLauncher'),
    abuses: [
      {
        id: 'devtool-launch',
        args: /\S+\.(?:exe|msi)\b/i,
        attack: ['T1127'],
        score: 50,
        what: 'developer or test tool used to launch a program',
      },
    ],
  },
  {
    binary: 'bcp.exe',
    source: LOLBAS('OtherMSBinaries/Bcp'),
    abuses: [
      {
        id: 'bcp-queryout-exec',
        args: /\bqueryout\s+["']?\S+\.(?:exe|dll|ps1|bat)\b/i,
        attack: ['T1105'],
        score: 65,
        what: 'SQL bulk copy writing an executable out of a database',
      },
    ],
  },
  {
    binary: 'coregen.exe',
    source: LOLBAS('OtherMSBinaries/Coregen'),
    abuses: [
      {
        id: 'coregen-dll',
        args: /\/l\s+\S+\.dll\b/i,
        attack: ['T1055', 'T1218'],
        score: 60,
        what: 'Silverlight core generator loading a DLL',
      },
    ],
  },
  {
    binary: 'csi.exe',
    names: ['csi', 'rcsi', 'fsi', 'fsianycpu'],
    source: LOLBAS('OtherMSBinaries/Csi'),
    abuses: [
      {
        id: 'script-compiler-run',
        args: /\S+\.(?:cs|csx|fsx|fsscript)\b/i,
        attack: ['T1127', 'T1059'],
        score: 45,
        what: 'C#/F# interactive running a script file',
      },
    ],
  },
  {
    binary: 'defaultpack.exe',
    source: LOLBAS('OtherMSBinaries/DefaultPack'),
    abuses: [{ id: 'defaultpack-cmd', args: /\/c:/i, attack: ['T1218'], score: 60, what: 'default-pack helper running a command' }],
  },
  {
    binary: 'devinit.exe',
    source: LOLBAS('OtherMSBinaries/Devinit'),
    abuses: [
      {
        id: 'devinit-msi',
        args: rx(/msi-install\b[\s\S]*-i\s+["']?/, REMOTE),
        attack: ['T1218.007', 'T1105'],
        score: 70,
        what: 'dev-environment initialiser installing a remote MSI',
      },
    ],
  },
  {
    binary: 'devtoolslauncher.exe',
    source: LOLBAS('OtherMSBinaries/Devtoolslauncher'),
    abuses: [
      {
        id: 'devtoolslauncher-launch',
        args: /\blaunchfor(?:deploy|debug)\b/i,
        attack: ['T1127'],
        score: 60,
        what: 'VS dev tools launcher starting a program',
      },
    ],
  },
  {
    binary: 'intellitrace.exe',
    source: LOLBAS('OtherMSBinaries/IntelliTrace'),
    abuses: [{ id: 'intellitrace-launch', args: /^\s+launch\b/i, attack: ['T1127'], score: 50, what: 'IntelliTrace launching a program' }],
  },
  {
    binary: 'msdeploy.exe',
    source: LOLBAS('OtherMSBinaries/Msdeploy'),
    abuses: [
      {
        id: 'msdeploy-runcommand',
        args: /-dest:runcommand\b|-source:runcommand\b/i,
        attack: ['T1218'],
        score: 65,
        what: 'Web Deploy running a command',
      },
    ],
  },
  {
    binary: 'nmcap.exe',
    source: LOLBAS('OtherMSBinaries/Nmcap'),
    abuses: [
      {
        id: 'nmcap-capture',
        args: /\/capture\b/i,
        attack: ['T1040'],
        score: 50,
        what: 'Network Monitor capture started from the command line',
      },
    ],
  },
  {
    binary: 'remote.exe',
    source: LOLBAS('OtherMSBinaries/Remote'),
    abuses: [
      {
        id: 'remote-server',
        args: /(?:^|\s)\/s\s+["']?\S+\.exe\b/i,
        attack: ['T1127'],
        score: 60,
        what: 'debugger remote-session tool starting a program',
      },
    ],
  },
  {
    binary: 'te.exe',
    names: ['te'],
    source: LOLBAS('OtherMSBinaries/Te'),
    abuses: [
      {
        id: 'te-run',
        args: /^\s+["']?\S+\.(?:wsc|dll)\b/i,
        attack: ['T1127'],
        score: 50,
        what: 'TAEF test runner executing a scriptlet or DLL',
      },
    ],
  },
  {
    binary: 'tracker.exe',
    source: LOLBAS('OtherMSBinaries/Tracker'),
    abuses: [
      {
        id: 'tracker-dll',
        args: inOrder(/\/d\s+\S+?\.dll\b/gi, /\/c\s+\S/gi),
        attack: ['T1127'],
        score: 60,
        what: 'file tracker injecting a DLL into a program it starts',
      },
    ],
  },
  {
    binary: 'vsdiagnostics.exe',
    names: ['vsdiagnostics', 'vsiisexelauncher', 'vslaunchbrowser'],
    source: LOLBAS('OtherMSBinaries/VSDiagnostics'),
    abuses: [
      {
        id: 'vstool-launch',
        args: /\/launch:\S+|-p\s+\S+\.exe\b|^\s+\.exe\s+\S+/i,
        attack: ['T1127'],
        score: 55,
        what: 'Visual Studio helper launching a program',
      },
    ],
  },
  {
    binary: 'vshadow.exe',
    source: LOLBAS('OtherMSBinaries/Vshadow'),
    abuses: [{ id: 'vshadow-exec', args: /-exec=\S+/i, attack: ['T1202'], score: 65, what: 'shadow-copy SDK tool running a program' }],
  },
  {
    binary: 'wfc.exe',
    source: LOLBAS('OtherMSBinaries/Wfc'),
    abuses: [{ id: 'wfc-xoml', args: /\.xoml\b/i, attack: ['T1127'], score: 55, what: 'workflow compiler building XOML code' }],
  },
  {
    binary: 'xbootmgr.exe',
    source: LOLBAS('OtherMSBinaries/Xbootmgr'),
    abuses: [
      {
        id: 'xbootmgr-callback',
        args: /-(?:callback|pretracecmd)\s+\S+/i,
        attack: ['T1202'],
        score: 60,
        what: 'boot tracer configured to run a program',
      },
    ],
  },
  {
    binary: 'vsls-agent.exe',
    source: LOLBAS('OtherMSBinaries/vsls-agent'),
    abuses: [
      {
        id: 'vsls-agent-dll',
        args: /--agentextensionpath\s+\S+/i,
        attack: ['T1218'],
        score: 65,
        what: 'Live Share agent loading an extension DLL',
      },
    ],
  },
  {
    binary: 'wsb.exe',
    source: LOLBAS('Binaries/Wsb'),
    abuses: [
      {
        id: 'wsb-sandbox-command',
        args: either(/<logoncommand>|<mappedfolder>/i, inOrder(/\bshare\b/gi, /--allow-write/gi), inOrder(/\bexec\b/gi, /-r\s+system/gi)),
        attack: ['T1564.006'],
        score: 60,
        what: 'Windows Sandbox started with a logon command or a writable host folder',
      },
    ],
  },
  {
    binary: 'code.exe',
    names: ['code', 'devtunnel'],
    source: LOLBAS('OtherMSBinaries/VSCode'),
    abuses: [
      {
        id: 'dev-tunnel',
        args: /^\s+(?:tunnel\b|host\b)/i,
        attack: ['T1219.001', 'T1572'],
        score: 65,
        what: 'developer tunnel opened to Microsoft relay infrastructure (remote access)',
      },
    ],
  },
];
