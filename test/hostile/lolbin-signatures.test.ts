// LOLBin argument signatures of the form /A[\s\S]*B/ are ordered-token matches now (inOrder in
// src/analyzers/data/lolbins.ts), quadratic as regexes on a window of A's without a B.
// Differential: on every command of the shared corpus and on edge cases each answers as the
// regex it replaced (kept here as the reference); hostile windows are counted, never timed.
import { readFileSync } from 'node:fs';
import { matchLolbins } from '../../src/analyzers/lolbins';
import { LOLBINS } from '../../src/analyzers/data/lolbins';
import { corpusPath } from '../helpers/corpus';
import { countTextWork } from '../helpers/work';

/** The regexes as they were (reference only). */
const REFERENCE: Record<string, RegExp> = {
  'mpcmdrun-remove-definitions': /-removedefinitions\b[\s\S]*-all\b/i,
  'esentutl-copy': /\/y\s+[\s\S]*\/d\s/i,
  'findstr-password-files': /\/s\b[\s\S]*\bpass(?:word|wd)?\b/i,
  'regsvr32-scriptlet': /\/i:[\s\S]*scrobj(?:\.dll)?\b|\/i:\s*["']?(?:https?|ftp):/i,
  'cmstp-silent-inf': /\/(?:s|ni|au)\b[\s\S]*\.inf\b|\.inf\b[\s\S]*\/(?:s|ni|au)\b/i,
  'wmic-remote-process': /\/node:[\s\S]*\bprocess\s+call\s+create\b/i,
  'wmic-av-discovery': /securitycenter2?[\s\S]*antivirusproduct|antivirusproduct/i,
  'wmic-uninstall': /\bproduct\s+where\b[\s\S]*\bcall\s+uninstall\b/i,
  'powershell-download-exec':
    /(?:\biex\b|invoke-expression)[\s\S]*(?:downloadstring|downloaddata|net\.webclient|invoke-webrequest|\biwr\b|invoke-restmethod|\birm\b)|(?:downloadstring|downloaddata)[\s\S]*(?:\biex\b|invoke-expression)/i,
  'wsl-root-exec': /(?:-u\s+root\b|--user\s+root\b)[\s\S]*(?:-e\b|--exec\b|\s-c\b)/i,
  'wsl-exec-windows': /(?:-e\b|--exec\b|\s-c\b)[\s\S]*(?:\/mnt\/[a-z]\/|\.exe\b|socat|nc\s|\/etc\/shadow)/i,
  'update-startup-shortcut': /--createshortcut=[\s\S]*-l=startup/i,
  'browser-headless-dump': /--headless\b[\s\S]*--dump-dom\b/i,
  'bginfo-script': /\.bgi\b[\s\S]*\/nolicprompt\b|\/nolicprompt\b[\s\S]*\.bgi\b/i,
  'schtasks-create-remote': /\/create\b[\s\S]*\/s\s+\S+/i,
  'schtasks-create-system': /\/create\b[\s\S]*\/ru\s+["']?(?:system|nt authority\\system)\b/i,
  'reg-ifeo-debugger': /^\s+add\b[\s\S]*image file execution options[\s\S]*\b(?:debugger|globalflag)\b/i,
  'reg-lsa-protection-off':
    /^\s+add\b[\s\S]*\\control\\lsa["']?\s[\s\S]*\/v\s+["']?(?:runasppl|disablerestrictedadmin|lmcompatibilitylevel|nolmhash)\b/i,
  'reg-autologon': /^\s+add\b[\s\S]*\\winlogon["']?\s[\s\S]*\/v\s+["']?(?:autoadminlogon|defaultpassword)\b/i,
  'reg-rdp-enable': /^\s+add\b[\s\S]*terminal server[\s\S]*(?:fdenytsconnections|userauthentication|portnumber|fsinglesessionperuser)\b/i,
  'netsh-wifi-keys': /\bwlan\s+show\s+profiles?\b[\s\S]*key\s*=\s*clear/i,
  'bcdedit-safeboot': /\/set\b[\s\S]*\bsafeboot\b/i,
  'dsdbutil-snapshot': /activate\s+instance\s+ntds[\s\S]*snapshot/i,
  'cmdkey-add-pass': /\/add:[\s\S]*\/pass(?::|\s)/i,
  'psr-record': /\/start\b[\s\S]*\/gui\s+0/i,
  'ldifde-import': /(?:^|\s)-i\b[\s\S]*-f\s+\S+/i,
  'cmdl32-download': /\/vpn\b[\s\S]*\/lan\b/i,
  'finger-pipe-shell': /\|[\s\S]*\b(?:cmd|powershell|pwsh)(?:\.exe)?\b/i,
  'pnputil-legacy-install': /(?:^|\s)-i\b[\s\S]*-a\b[\s\S]*\.inf\b/i,
  'rasautou-dll': /-d\s+\S+\.dll\b[\s\S]*-p\s+\S/i,
  'ttd-dump': /-dumpfull\b[\s\S]*-attach\b/i,
  'verclsid-com': /\/s\b[\s\S]*\/c\s+\{/i,
  'winget-local-manifest': /\binstall\b[\s\S]*(?:--manifest|-m)\s+\S/i,
  'wuauclt-dll': /\/updatedeploymentprovider\b[\s\S]*\/runhandlercomserver\b/i,
  'aspnet-compiler-build': /-p\s+\S+[\s\S]*-f\s+\S+/i,
  'acccheckconsole-dll': /-window\b[\s\S]*\.dll\b/i,
  'tracker-dll': /\/d\s+\S+\.dll\b[\s\S]*\/c\s+\S/i,
  'wsb-sandbox-command': /<logoncommand>|<mappedfolder>|\bshare\b[\s\S]*--allow-write|\bexec\b[\s\S]*-r\s+system/i,
};

const abuses = new Map(LOLBINS.flatMap((e) => e.abuses.map((a) => [a.id, a] as const)));

const corpus = (file: string) =>
  readFileSync(corpusPath('commands', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { command: string }).command);

/** Argument windows to compare on: each command, and what follows each of its spaces. */
const windowsOf = (cmd: string) => [cmd, ...[...cmd.matchAll(/ /g)].slice(0, 40).map((m) => cmd.slice(m.index))];

const EDGES = [
  ' /y  a /d b',
  ' /y\t/d x',
  ' -p  x -f y',
  ' -p x\n-f y',
  ' /d a.dll.dll /c b',
  ' -d x.dll -p y',
  ' /create /ru "nt authority\\system"',
  ' add hklm\\system\\currentcontrolset\\control\\lsa" /v runasppl',
  ' add x\\winlogon /v autoadminlogon',
  '  add terminal server fdenytsconnections',
  ' | PowerShell.exe',
  ' /i: scrobj.dll',
  ' /i:http://x',
  ' --user root --exec x',
  ' -u root -c',
  ' -e /mnt/c/x',
  ' x.inf /s',
  ' /au a.INF',
  ' wlan show profiles name=x key=clear',
  ' wlan show profile key = clear',
  ' share --allow-write',
  ' exec -r system',
  ' <LogonCommand>',
  ' iex (iwr x)',
  ' downloadstring x; iex',
  ' invoke-expression x irm',
  ' -i -a a.inf',
  ' -i\n-a\n.inf',
  ' securitycenter2 antivirusproduct',
];

describe('LOLBin ordered-token signatures answer as the regexes they replaced', () => {
  test('every rewritten abuse is in the table and is no longer a regex', () => {
    for (const id of Object.keys(REFERENCE)) expect([id, abuses.get(id)?.args instanceof RegExp]).toEqual([id, id === 'wmic-av-discovery']);
  });

  test.each([['malicious_commands.jsonl'], ['admin_commands_tldr.jsonl']])('on every window of the corpus (%s)', (file) => {
    const differ: string[] = [];
    let matched = 0;
    for (const cmd of corpus(file)) {
      for (const w of windowsOf(cmd)) {
        for (const [id, re] of Object.entries(REFERENCE)) {
          const expected = re.test(w);
          if (expected) matched++;
          if (abuses.get(id)!.args.test(w) !== expected) differ.push(`${id}: ${w.slice(0, 120)}`);
        }
      }
    }
    expect(differ).toEqual([]);
    if (file.startsWith('malicious')) expect(matched).toBeGreaterThan(50);
  });

  test.each(EDGES.map((e) => [e]))('on %j', (w) => {
    for (const [id, re] of Object.entries(REFERENCE)) expect([id, abuses.get(id)!.args.test(w)]).toEqual([id, re.test(w)]);
  });
});

describe('hostile command lines: characters scanned stay proportional to the input', () => {
  const fill = (head: string, unit: string) =>
    head + unit.repeat(Math.ceil((32 * 1024 - head.length) / unit.length)).slice(0, 32 * 1024 - head.length);
  test.each([
    ['schtasks /create without /ru', fill('schtasks', ' /create')],
    ['reg add with many "terminal server" and no value', fill('reg add', ' terminal server')],
    ['esentutl /y without /d', fill('esentutl', ' /y ')],
    ['finger | without a shell', fill('finger', ' |')],
    ['wsl -u root without -e', fill('wsl', ' -u root')],
    ["many binaries, each with a window of A's", fill('', 'mpcmdrun -removedefinitions ')],
  ])('%s', async (_name, cmd) => {
    const { work } = await countTextWork(() => matchLolbins(cmd));
    // Every abuse of a binary looks at most 50 windows of at most 2048 characters, each a few
    // passes: bounded by a constant per window character, never by a pair of them.
    expect(work.charsScanned + work.indexOfChars).toBeLessThan(400 * cmd.length);
  });
});
