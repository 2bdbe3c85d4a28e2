// Hostile and malformed input: every call terminates within its bounds and yields a result or a
// finding, never an exception or a hang.
import { Finding } from '../../../src/domain/finding';
import { analyzePowerShell, deobfuscatePowerShell, LIMITS } from '../../../src/analyzers/powershell';

const u16 = (s: string) => Buffer.from(s, 'utf16le').toString('base64');

const hostile: [string, string][] = [
  ['1 MB of opening parentheses', '('.repeat(1 << 20)],
  ['100k nested balanced parentheses', `${'('.repeat(100_000)}'a'+'b'${')'.repeat(100_000)}`],
  ['unbalanced quotes', `iex 'abc${"'x".repeat(1000)}"`],
  ['unterminated here-string', "@'\nWrite-Host x\n"],
  ['invalid base64 after -enc', 'powershell -enc !!!notbase64***'],
  ['odd-length UTF-16 after -enc', `powershell -enc ${Buffer.from([0x49, 0, 0x45, 0, 0x58]).toString('base64')}`],
  ['random bytes after -enc', `powershell -enc ${Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) % 256)).toString('base64')}`],
  ['invalid base64 inside FromBase64String', "iex ([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('@@@not base64@@@')))"],
  [
    'corrupt deflate stream',
    "iex (New-Object IO.StreamReader((New-Object IO.Compression.DeflateStream([IO.MemoryStream][Convert]::FromBase64String('AAAAAAAAAAAA'),[IO.Compression.CompressionMode]::Decompress)))).ReadToEnd()",
  ],
  ['a billion-fold string repeat', "'a' * 1000000000"],
  ['a billion-element range', '1..1000000000 -join ","'],
  ['a huge format alignment', "'{0,100000000}' -f 'a'"],
  ['format index out of range', "'{5}' -f 'a'"],
  ['catastrophic regex in -replace', "('a' * 5000 + 'b') -replace '(a+)+$','x'"],
  ['self-reinvoking iex', "$s = 'iex $s'; iex $s"],
  ['doubling a string 30 times', `$a='xxxxxxxxxx'${'; $a = $a + $a'.repeat(30)}; iex $a`],
  ['20,000-term concatenation', Array.from({ length: 20_000 }, (_, i) => `'${i % 10}'`).join('+')],
  ['5,000 nested $()', `${'$('.repeat(5000)}'x'${')'.repeat(5000)}`],
  [
    'eight nested -enc launchers',
    (() => {
      let s = "Write-Host 'core'";
      for (let i = 0; i < 8; i++) s = `powershell -enc ${u16(s)}`;
      return s;
    })(),
  ],
  ['NUL and lone surrogates', "iex \u0000\u0000'a' \ud800 \udfff"],
  ['a 2 MB line', `Write-Host '${'A'.repeat(2 << 20)}'`],
  ['deep ForEach-Object over a big range', '-join ((1..100000) | % { [char](65 + $_ % 26) })'],
];

describe('deobfuscatePowerShell on hostile input', () => {
  it.each(hostile)('%s terminates with a result', async (_name, input) => {
    // Work is bounded by counts (passes, layer size, parse size); speed is in bench/bounded.
    const d = await deobfuscatePowerShell(input);
    expect(typeof d.script).toBe('string');
    expect(d.layers.length).toBeLessThanOrEqual(LIMITS.maxPasses + 2);
    for (const layer of d.layers) expect(layer.length).toBeLessThanOrEqual(LIMITS.maxLayerChars + 64);
    expect(d.script.length).toBeLessThanOrEqual(Math.max(input.length, LIMITS.maxParseChars * 2));
  });

  it('records why it stopped', async () => {
    expect((await deobfuscatePowerShell('('.repeat(1 << 20))).problems.join()).toMatch(/too large to parse/);
    expect((await deobfuscatePowerShell(`${'('.repeat(100_000)}1${')'.repeat(100_000)}`)).problems.join()).toMatch(/nodes|timed out/);
    expect((await deobfuscatePowerShell("$s = 'iex $s'; iex $s")).problems.join()).toMatch(/passes|cycled/);
    expect((await deobfuscatePowerShell('powershell -enc !!!notbase64***')).problems).toContain('-EncodedCommand value is not base64');
    expect((await deobfuscatePowerShell(`Write-Host '${'A'.repeat(2 << 20)}'`)).problems.join()).toMatch(/input cut/);
  });

  it('unwraps nested launchers up to the pass bound', async () => {
    let s = "Write-Host 'core'";
    for (let i = 0; i < 8; i++) s = `powershell -enc ${u16(s)}`;
    const d = await deobfuscatePowerShell(s);
    expect(d.script).toContain("Write-Host 'core'");
    expect(d.transformations).toContain('encoded-command');
  });
});

describe('analyzePowerShell on malformed input', () => {
  it('returns a finding for every hostile line at once', async () => {
    const f = await analyzePowerShell(hostile.map(([, input]) => input));
    expect(Finding.parse(f)).toEqual(f);
    expect(f.error).toBeUndefined();
  });

  it('turns a non-array into a finding with an error', async () => {
    const f = await analyzePowerShell('powershell -enc AAAA' as unknown as string[]);
    expect(f.error).toMatch(/array/);
    expect(f.verdict).toBe('unknown');
    expect(f.score).toBe(0);
  });

  it('skips non-string items and lines that are not PowerShell', async () => {
    const f = await analyzePowerShell([null as unknown as string, 7 as unknown as string, 'ls -la /tmp']);
    expect(f.verdict).toBe('unknown');
    expect(f.summary).toMatch(/no PowerShell/);
  });
});
