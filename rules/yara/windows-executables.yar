// SPDX-License-Identifier: Apache-2.0
// autosoc curated YARA rules: Windows PE files.

private rule autosoc_is_pe
{
    condition:
        uint16(0) == 0x5A4D and uint32(uint32(0x3C)) == 0x00004550
}

rule autosoc_pe_process_injection_apis
{
    meta:
        description = "PE that names the allocate, write and execute APIs used to inject code into another process"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1055/"
        attack = "T1055"
        severity = "medium"
    strings:
        $alloc1 = "VirtualAllocEx" ascii wide
        $alloc2 = "NtAllocateVirtualMemory" ascii wide
        $alloc3 = "ZwAllocateVirtualMemory" ascii wide
        $write1 = "WriteProcessMemory" ascii wide
        $write2 = "NtWriteVirtualMemory" ascii wide
        $write3 = "ZwWriteVirtualMemory" ascii wide
        $exec1 = "CreateRemoteThread" ascii wide
        $exec2 = "NtCreateThreadEx" ascii wide
        $exec3 = "RtlCreateUserThread" ascii wide
        $exec4 = "QueueUserAPC" ascii wide
        $exec5 = "NtQueueApcThread" ascii wide
    condition:
        autosoc_is_pe and any of ($alloc*) and any of ($write*) and any of ($exec*)
}

rule autosoc_pe_process_hollowing_apis
{
    meta:
        description = "PE that names the APIs of process hollowing: unmap a suspended child's image, redirect its thread, resume it"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1055/012/"
        attack = "T1055.012"
        severity = "high"
    strings:
        $unmap1 = "NtUnmapViewOfSection" ascii wide
        $unmap2 = "ZwUnmapViewOfSection" ascii wide
        $context = "SetThreadContext" ascii wide
        $resume = "ResumeThread" ascii wide
        $create = "CreateProcess" ascii wide
    condition:
        autosoc_is_pe and any of ($unmap*) and $context and $resume and $create
}

rule autosoc_upx_packed_pe
{
    meta:
        description = "PE packed with UPX (UPX0/UPX1 section names or the UPX! header inside the PE headers)"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1027/002/"
        attack = "T1027.002"
        severity = "low"
    strings:
        $section0 = "UPX0\x00"
        $section1 = "UPX1\x00"
        $magic = "UPX!"
    condition:
        autosoc_is_pe and
        (($section0 in (0..0x1000) and $section1 in (0..0x1000)) or $magic in (0..0x1000))
}

rule autosoc_mimikatz_strings
{
    meta:
        description = "Mimikatz credential dumper: its author banner together with its module::command syntax"
        author = "autosoc"
        reference = "https://attack.mitre.org/software/S0002/"
        attack = "T1003.001"
        severity = "critical"
    strings:
        $author1 = "gentilkiwi" ascii wide nocase
        $author2 = "Benjamin DELPY" ascii wide nocase
        $name = "mimikatz" ascii wide nocase
        $cmd1 = "sekurlsa::logonpasswords" ascii wide nocase
        $cmd2 = "sekurlsa::pth" ascii wide nocase
        $cmd3 = "lsadump::sam" ascii wide nocase
        $cmd4 = "lsadump::dcsync" ascii wide nocase
        $cmd5 = "privilege::debug" ascii wide nocase
        $cmd6 = "kerberos::golden" ascii wide nocase
        $cmd7 = "sekurlsa::minidump" ascii wide nocase
        $cmd8 = "lsadump::lsa" ascii wide nocase
    condition:
        // A detection note may name the tool and one command; the tool's own text or a session has more.
        (any of ($author*) and any of ($cmd*)) or ($name and 2 of ($cmd*))
}
