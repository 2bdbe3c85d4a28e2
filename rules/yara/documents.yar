// SPDX-License-Identifier: Apache-2.0
// autosoc curated YARA rules: documents and shortcuts that run code when opened.
// Zipped formats (docm, xlsm, docx) must be unpacked first: scan vbaProject.bin or document.xml.

rule autosoc_office_vba_autoexec_shell
{
    meta:
        description = "OLE Office file with a VBA project whose macro runs on open and starts a program or COM object"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1204/002/"
        attack = "T1204.002, T1059.005"
        severity = "high"
    strings:
        $project = "_VBA_PROJECT" wide
        $auto1 = "AutoOpen" ascii nocase
        $auto2 = "Auto_Open" ascii nocase
        $auto3 = "Document_Open" ascii nocase
        $auto4 = "Workbook_Open" ascii nocase
        $auto5 = "AutoExec" ascii nocase
        $auto6 = "Document_Close" ascii nocase
        $auto7 = "AutoClose" ascii nocase
        $exec1 = "Shell" ascii nocase
        $exec2 = "CreateObject" ascii nocase
        $exec3 = "GetObject" ascii nocase
        $exec4 = "URLDownloadToFile" ascii nocase
        $exec5 = "powershell" ascii nocase
    condition:
        uint32be(0) == 0xD0CF11E0 and $project and any of ($auto*) and any of ($exec*)
}

rule autosoc_office_dde_field
{
    meta:
        description = "Word XML or RTF with a DDE/DDEAUTO field, which launches a program through dynamic data exchange"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1559/002/"
        attack = "T1559.002"
        severity = "high"
    strings:
        $xml_instr = /<w:instrText[^>]{0,80}>\s{0,8}"?\s{0,8}DDE(AUTO)?\s/ nocase
        $xml_simple = /<w:fldSimple[^>]{0,80}w:instr\s*=\s*["']\s{0,8}DDE(AUTO)?\s/ nocase
        $rtf_field = /\\fldinst[^}]{0,80}DDE(AUTO)?\s/ nocase
    condition:
        any of ($xml*) or (uint32be(0) == 0x7B5C7274 and $rtf_field)
}

rule autosoc_pdf_javascript_openaction
{
    meta:
        description = "PDF with an OpenAction and JavaScript: code that runs as soon as the document opens"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1204/002/"
        attack = "T1204.002, T1059.007"
        severity = "medium"
    strings:
        $pdf = "%PDF-"
        $open = "/OpenAction"
        $js1 = "/JavaScript"
        $js2 = /\/JS\s{0,4}[(<\[0-9]/
    condition:
        $pdf in (0..1024) and $open and any of ($js*)
}

rule autosoc_lnk_shell_arguments
{
    meta:
        description = "Windows shortcut whose target is a shell or script host and whose arguments carry a command"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1204/002/"
        attack = "T1204.002, T1059"
        severity = "high"
    strings:
        $target1 = "cmd.exe" ascii wide nocase
        $target2 = "powershell" ascii wide nocase
        $target3 = "mshta" ascii wide nocase
        $target4 = "wscript" ascii wide nocase
        $target5 = "cscript" ascii wide nocase
        $target6 = "rundll32" ascii wide nocase
        $arg1 = " /c " ascii wide nocase
        $arg2 = " /k " ascii wide nocase
        $arg3 = "-enc" ascii wide nocase
        $arg4 = "-nop" ascii wide nocase
        $arg5 = "hidden" ascii wide nocase
        $arg6 = "http://" ascii wide nocase
        $arg7 = "https://" ascii wide nocase
        $arg8 = "iex" ascii wide nocase
        $arg9 = "javascript:" ascii wide nocase
    condition:
        // ShellLinkHeader: HeaderSize 0x4C and the shell link CLSID 00021401-0000-0000-C000-000000000046.
        uint32(0) == 0x0000004C and uint32(4) == 0x00021401 and uint32(8) == 0 and
        uint32(12) == 0x000000C0 and uint32(16) == 0x46000000 and
        any of ($target*) and any of ($arg*)
}

rule autosoc_hta_script_execution
{
    meta:
        description = "HTML application (HTA) whose script starts programs or fetches and writes files"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1218/005/"
        attack = "T1218.005"
        severity = "high"
    strings:
        $hta = "<hta:application" ascii wide nocase
        $script = "<script" ascii wide nocase
        $exec1 = "WScript.Shell" ascii wide nocase
        $exec2 = "Shell.Application" ascii wide nocase
        $exec3 = "ShellExecute" ascii wide nocase
        $exec4 = "powershell" ascii wide nocase
        $exec5 = "cmd /c" ascii wide nocase
        $exec6 = "cmd.exe" ascii wide nocase
        $exec7 = "ADODB.Stream" ascii wide nocase
        $exec8 = "XMLHTTP" ascii wide nocase
    condition:
        filesize < 5MB and $hta and $script and any of ($exec*)
}
