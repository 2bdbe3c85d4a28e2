// SPDX-License-Identifier: Apache-2.0
// autosoc curated YARA rules: scripts, command lines and web shells.

rule autosoc_powershell_download_cradle
{
    meta:
        description = "PowerShell download cradle: fetches a script from the network and runs it in memory with Invoke-Expression"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1059/001/"
        attack = "T1059.001, T1105"
        severity = "high"
    strings:
        // IEX (New-Object Net.WebClient).DownloadString('...'), IEX (iwr ...), and the piped forms; same line only.
        $iex_first = /\b(iex|invoke-expression)\b[^\r\n]{0,200}(downloadstring|downloaddata|net\.webclient|invoke-webrequest|invoke-restmethod|\biwr\b|\birm\b)/ nocase
        $iex_last = /(downloadstring|downloaddata|invoke-webrequest|invoke-restmethod|\biwr\b|\birm\b)[^\r\n]{0,300}\|\s{0,8}(iex|invoke-expression)\b/ nocase
    condition:
        any of them
}

rule autosoc_powershell_encoded_command
{
    meta:
        description = "PowerShell started with -EncodedCommand (or an abbreviation) and a long base64 argument"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1027/010/"
        attack = "T1059.001, T1027.010"
        severity = "high"
    strings:
        $encoded = /(powershell|pwsh)(\.exe)?["']?(\s[^\r\n]{0,200})?[\s"'][-\/](e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|encodedcomma|encodedcomman|encodedcommand)\s{1,8}["']?[A-Za-z0-9+\/]{40}/ nocase
    condition:
        $encoded
}

rule autosoc_reverse_shell_one_liner
{
    meta:
        description = "Reverse shell one-liner: an interactive shell wired to a network connection"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1059/004/"
        attack = "T1059.004"
        severity = "critical"
    strings:
        $bash_tcp = /\b(bash|zsh|ksh|sh)\s+-i\s*[0-9]?>&\s*\/dev\/(tcp|udp)\/[^\/\s]{1,255}\/[0-9]{1,5}/
        $dev_tcp_fd = /\/dev\/(tcp|udp)\/[^\/\s]{1,255}\/[0-9]{1,5}\s*0>&1/
        $netcat = /\b(nc|ncat|netcat)(\.exe)?\s[^\r\n|;]{0,100}\s-(e|c)\s{0,4}((\/usr)?\/bin\/(bash|zsh|dash|ksh|sh)\b|cmd(\.exe)?\b|powershell)/ nocase
        $fifo = /mkfifo\s+\S{1,100};\s{0,4}(cat|tail -f)\s+\S{1,100}\s*\|\s*\/bin\/(ba)?sh\s+-i/
        $python = /socket\.socket\([^\r\n]{0,300}\.connect\(\([^\r\n]{0,300}(os\.dup2|pty\.spawn)/
        $perl = /use\s+Socket;[^\r\n]{0,400}connect\([^\r\n]{0,300}exec\(\s*["']\/bin\/(ba)?sh/
    condition:
        any of them
}

rule autosoc_wsh_download_execute
{
    meta:
        description = "VBScript/JScript dropper: downloads with XMLHTTP, writes with ADODB.Stream and runs the file via WScript.Shell"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1059/005/"
        attack = "T1059.005, T1059.007, T1105"
        severity = "high"
    strings:
        $http1 = "XMLHTTP" ascii wide nocase
        $http2 = "WinHttp.WinHttpRequest" ascii wide nocase
        $stream = "ADODB.Stream" ascii wide nocase
        $save = ".SaveToFile" ascii wide nocase
        $shell = "WScript.Shell" ascii wide nocase
        $run = /\.(Run|Exec)\b\s{0,4}[( "]/ nocase
    condition:
        filesize < 2MB and any of ($http*) and $stream and $save and $shell and $run
}

rule autosoc_php_webshell_request_eval
{
    meta:
        description = "PHP web shell: code or commands taken straight from the HTTP request, often base64-wrapped"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1505/003/"
        attack = "T1505.003"
        severity = "critical"
    strings:
        $php = "<?"
        $direct = /\b(eval|assert|system|passthru|shell_exec|exec|popen|proc_open|create_function)\s*\(\s*\$_(POST|GET|REQUEST|COOKIE)\s*\[/ nocase
        $decoded = /\b(eval|assert)\s*\(\s*(base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13)\s*\(\s*\$_(POST|GET|REQUEST|COOKIE)\s*\[/ nocase
        $layered = /\beval\s*\(\s*(base64_decode|gzinflate|gzuncompress|str_rot13)\s*\(\s*(base64_decode|gzinflate|gzuncompress|str_rot13)\s*\(/ nocase
    condition:
        filesize < 5MB and $php and ($direct or $decoded or $layered)
}

rule autosoc_aspx_webshell_cmd
{
    meta:
        description = "ASP.NET web shell: a page that starts cmd.exe or PowerShell with input from the request"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1505/003/"
        attack = "T1505.003"
        severity = "critical"
    strings:
        $page = /<%@\s*(Page|WebHandler|WebService)\b/ nocase
        $process1 = "ProcessStartInfo" ascii nocase
        $process2 = "Process.Start" ascii nocase
        $process3 = "new Process()" ascii nocase
        $process4 = "StartInfo.FileName" ascii nocase
        $shell1 = "cmd.exe" ascii nocase
        $shell2 = "powershell" ascii nocase
        $request = /Request(\.Form|\.QueryString|\.Params|\.Item)?\s*[\[(]\s*"/ nocase
    condition:
        filesize < 5MB and $page and any of ($process*) and any of ($shell*) and $request
}
