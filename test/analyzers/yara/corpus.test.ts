// The curated rules against real material: this machine's binaries and detection content must
// not trip them; real phishing attachments and attack commands from the shared corpus should.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { getYaraScanner, scanWithYara } from '../../../src/analyzers/yara';
import { corpusPath } from '../../helpers/corpus';

const scanner = getYaraScanner([]);
const rulesHit = (bytes: Buffer) => scanner.rules.scan(bytes).map((m) => m.ruleIdentifier);
const jsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? filesUnder(join(dir, e.name), ext) : e.isFile() && e.name.toLowerCase().endsWith(ext) ? [join(dir, e.name)] : [],
    )
    .sort();
}

/** The first `max` bytes of a regular file, or undefined for anything else. */
function readHead(path: string, max: number): Buffer | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(max, statSync(path).size));
      const n = readSync(fd, buf, 0, buf.length, 0);
      return buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

async function mailParts(file: string): Promise<{ name: string; bytes: Buffer }[]> {
  const email = await PostalMime.parse(readFileSync(file));
  return [
    ...(email.attachments ?? []).map((a) => ({ name: a.filename ?? 'attachment', bytes: Buffer.from(a.content as ArrayBuffer) })),
    ...(email.html ? [{ name: 'body.html', bytes: Buffer.from(email.html) }] : []),
    ...(email.text ? [{ name: 'body.txt', bytes: Buffer.from(email.text) }] : []),
  ];
}

describe('curated YARA rules on real material', () => {
  it('match none of the executables in /usr/bin (first 2 MiB of each)', () => {
    const hits: string[] = [];
    let scanned = 0;
    for (const name of readdirSync('/usr/bin')) {
      const head = readHead(join('/usr/bin', name), 2 * 1024 * 1024);
      if (!head) continue;
      scanned++;
      const f = scanWithYara(head, scanner);
      if (f.verdict !== 'unknown' || f.error) hits.push(`${name}: ${f.summary}`);
    }
    expect(scanned).toBeGreaterThan(200);
    expect(hits).toEqual([]);
  });

  it('match none of the Windows PE launchers and runtime DLLs on this machine', () => {
    const roots = [join(__dirname, '..', '..', '..', '.tools'), '/usr/lib/gcc/x86_64-w64-mingw32', '/usr/lib/gcc/i686-w64-mingw32'].filter(
      (d) => existsSync(d),
    );
    const pes = roots.flatMap((d) => filesUnder(d, '.exe').concat(filesUnder(d, '.dll')));
    const heads = pes.map((p) => ({ p, head: readHead(p, 8 * 1024 * 1024) })).filter((x) => x.head && x.head.readUInt16LE(0) === 0x5a4d);
    expect(heads.length).toBeGreaterThan(0);
    expect(heads.filter((x) => rulesHit(x.head!).length > 0).map((x) => x.p)).toEqual([]);
  });

  it('match none of the 200 Sigma rules (detection content names the same strings)', () => {
    const rules = filesUnder(corpusPath('sigma'), '.yml');
    expect(rules.length).toBe(200);
    expect(rules.filter((p) => rulesHit(readFileSync(p)).length > 0)).toEqual([]);
  });

  it('match none of the 2,103 documented admin commands', () => {
    const rows = jsonl<{ command: string }>(corpusPath('commands', 'admin_commands_tldr.jsonl'));
    expect(rows.length).toBeGreaterThan(2000);
    expect(rows.filter((r) => rulesHit(Buffer.from(r.command)).length > 0).map((r) => r.command)).toEqual([]);
  });

  it('flag the download cradles, encoded commands and mimikatz sessions among Atomic Red Team / LOLBAS commands', () => {
    const rows = jsonl<{ command: string; technique: string }>(corpusPath('commands', 'malicious_commands.jsonl'));
    const byRule = new Map<string, string[]>();
    for (const r of rows) for (const id of rulesHit(Buffer.from(r.command))) byRule.set(id, [...(byRule.get(id) ?? []), r.command]);
    const cradles = byRule.get('autosoc_powershell_download_cradle') ?? [];
    // Measured: 111 commands fetch a script and run it in memory (ART pulls its tools that way).
    expect(cradles.length).toBeGreaterThanOrEqual(100);
    for (const c of cradles) expect(c).toMatch(/\b(iex|invoke-expression)\b/i);
    expect((byRule.get('autosoc_powershell_encoded_command') ?? []).length).toBeGreaterThanOrEqual(2);
    expect(byRule.get('autosoc_mimikatz_strings')).toEqual([expect.stringContaining('sekurlsa::logonpasswords')]);
    // No binary-only rule fires on command text.
    for (const id of ['autosoc_upx_packed_pe', 'autosoc_upx_packed_elf', 'autosoc_pe_process_injection_apis', 'autosoc_eicar_test_file'])
      expect(byRule.has(id)).toBe(false);
  });

  it('flag 6 of the 7 HTML attachments in the phishing mails and nothing in the benign mails', async () => {
    const index = jsonl<{ file: string; attachments: string[] }>(corpusPath('eml', 'phishing', 'index.jsonl'));
    const htmlMails = index.filter((m) => m.attachments.some((a) => /\.html?$/i.test(a)));
    expect(htmlMails).toHaveLength(7);
    const flagged: string[] = [];
    for (const m of htmlMails) {
      for (const part of await mailParts(corpusPath('eml', 'phishing', m.file))) {
        if (!/\.html?$/i.test(part.name)) continue;
        const f = scanWithYara(part.bytes, scanner, { fileName: part.name });
        if (f.verdict === 'malicious' || f.verdict === 'suspicious') flagged.push(m.file);
      }
    }
    // The one missed is a bare link page that auto-clicks to a lure site: nothing for a content rule.
    expect(new Set(flagged).size).toBe(6);

    const benign = filesUnder(corpusPath('eml', 'benign'), '.eml');
    expect(benign.length).toBe(60);
    const noisy: string[] = [];
    for (const file of benign) {
      for (const part of await mailParts(file)) if (rulesHit(part.bytes).length > 0) noisy.push(`${file}: ${part.name}`);
    }
    expect(noisy).toEqual([]);
  });
});
