// Names PowerShell resolves case-insensitively: cmdlets (written back in their documented
// casing), the default aliases malware leans on, and automatic variables whose value on a
// stock Windows host is fixed (obfuscators index into them to spell `iex`).

/** Built-in cmdlets in their documented casing (Microsoft.PowerShell.* modules, Defender, BITS). */
const CMDLETS = [
  'Add-Content', 'Add-MpPreference', 'Add-Type', 'Clear-Content', 'Clear-EventLog', 'Clear-History', 'Clear-Variable',
  'Compress-Archive', 'ConvertFrom-Json', 'ConvertFrom-SecureString', 'ConvertTo-Json', 'ConvertTo-SecureString',
  'Copy-Item', 'Disable-WindowsOptionalFeature', 'Enable-PSRemoting', 'Expand-Archive', 'ForEach-Object', 'Format-Hex',
  'Get-ChildItem', 'Get-Command', 'Get-Content', 'Get-Credential', 'Get-Item', 'Get-ItemProperty', 'Get-Location',
  'Get-Member', 'Get-MpComputerStatus', 'Get-MpPreference', 'Get-Process', 'Get-Random', 'Get-Service', 'Get-Variable',
  'Get-WmiObject', 'Get-CimInstance', 'Import-Module', 'Invoke-Command', 'Invoke-Expression', 'Invoke-Item',
  'Invoke-RestMethod', 'Invoke-WebRequest', 'Invoke-WmiMethod', 'Invoke-CimMethod', 'Join-Path', 'Measure-Object',
  'New-Item', 'New-ItemProperty', 'New-Object', 'New-PSDrive', 'New-Service', 'New-ScheduledTaskAction',
  'New-ScheduledTaskTrigger', 'New-Variable', 'Out-File', 'Out-Null', 'Out-String', 'Register-ScheduledTask',
  'Remove-Item', 'Remove-ItemProperty', 'Remove-MpPreference', 'Remove-Variable', 'Rename-Item', 'Resolve-Path',
  'Select-Object', 'Select-String', 'Set-Alias', 'Set-Content', 'Set-ExecutionPolicy', 'Set-Item', 'Set-ItemProperty',
  'Set-Location', 'Set-MpPreference', 'Set-Variable', 'Sort-Object', 'Split-Path', 'Start-BitsTransfer', 'Start-Job',
  'Start-Process', 'Start-Service', 'Start-Sleep', 'Stop-Process', 'Stop-Service', 'Test-Connection', 'Test-Path',
  'Uninstall-WindowsFeature', 'Where-Object', 'Write-Host', 'Write-Output', 'Write-Error',
];

/** Default aliases (Windows PowerShell 5.1) to the cmdlet they run. */
export const ALIASES: Readonly<Record<string, string>> = {
  iex: 'Invoke-Expression', icm: 'Invoke-Command', iwr: 'Invoke-WebRequest', irm: 'Invoke-RestMethod',
  curl: 'Invoke-WebRequest', wget: 'Invoke-WebRequest', sal: 'Set-Alias', sv: 'Set-Variable', set: 'Set-Variable',
  gv: 'Get-Variable', gci: 'Get-ChildItem', ls: 'Get-ChildItem', dir: 'Get-ChildItem', gc: 'Get-Content',
  cat: 'Get-Content', type: 'Get-Content', gi: 'Get-Item', gp: 'Get-ItemProperty', sp: 'Set-ItemProperty',
  ni: 'New-Item', ri: 'Remove-Item', rm: 'Remove-Item', del: 'Remove-Item', echo: 'Write-Output', write: 'Write-Output',
  '%': 'ForEach-Object', foreach: 'ForEach-Object', '?': 'Where-Object', where: 'Where-Object', select: 'Select-Object',
  sort: 'Sort-Object', gcm: 'Get-Command', gm: 'Get-Member', gps: 'Get-Process', ps: 'Get-Process', saps: 'Start-Process',
  start: 'Start-Process', spps: 'Stop-Process', kill: 'Stop-Process', sleep: 'Start-Sleep', cd: 'Set-Location',
  sl: 'Set-Location', cp: 'Copy-Item', copy: 'Copy-Item', cpi: 'Copy-Item', ipmo: 'Import-Module', gwmi: 'Get-WmiObject',
  iwmi: 'Invoke-WmiMethod', sajb: 'Start-Job', ii: 'Invoke-Item', ac: 'Add-Content', sc: 'Set-Content', oh: 'Out-Host',
};

const CANONICAL = new Map<string, string>([
  ...CMDLETS.map((c) => [c.toLowerCase(), c] as [string, string]),
  ...Object.keys(ALIASES).map((a) => [a, a] as [string, string]),
]);

/** Every command name Get-Command could return for a wildcard: cmdlets and aliases. */
export const KNOWN_COMMANDS: readonly string[] = [...CMDLETS, ...Object.keys(ALIASES).filter((a) => /^[a-z]+$/.test(a))];

/** Documented casing for a known cmdlet or alias, undefined for anything else. */
export function canonicalCommand(name: string): string | undefined {
  return CANONICAL.get(name.toLowerCase());
}

/** The cmdlet a name runs (alias resolved), lower-cased; the name itself when unknown. */
export function resolveCommand(name: string): string {
  const lower = name.toLowerCase().replace(/\.exe$/, '');
  return (ALIASES[lower] ?? lower).toLowerCase();
}

export const INVOKE_EXPRESSION = 'invoke-expression';

/**
 * Automatic variables with a fixed value on Windows PowerShell 5.1 (lower-case name without `$`).
 * Invoke-Obfuscation spells iex as $PSHome[4]+$PSHome[30]+'x', $ShellId[1]+$ShellId[13]+'x',
 * $env:ComSpec[4,15,25] and ($VerbosePreference.ToString())[1,3]+'x'.
 */
export const FIXED_VARIABLES: Readonly<Record<string, string | boolean | null>> = {
  true: true, false: false, null: null,
  shellid: 'Microsoft.PowerShell',
  pshome: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0',
  'env:comspec': 'C:\\Windows\\system32\\cmd.exe',
  'env:windir': 'C:\\Windows',
  'env:systemroot': 'C:\\Windows',
  verbosepreference: 'SilentlyContinue',
  debugpreference: 'SilentlyContinue',
  erroractionpreference: 'Continue',
  warningpreference: 'Continue',
  confirmpreference: 'High',
  progresspreference: 'Continue',
};
