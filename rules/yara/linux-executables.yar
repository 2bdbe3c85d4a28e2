// SPDX-License-Identifier: Apache-2.0
// autosoc curated YARA rules: Linux ELF files.

rule autosoc_upx_packed_elf
{
    meta:
        description = "ELF packed with UPX: the UPX! loader header right after the program headers, or the trailing pack header of a file without sections"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1027/002/"
        attack = "T1027.002"
        severity = "low"
    strings:
        $magic = "UPX!"
    condition:
        // The UPX tool itself carries "UPX!" and the packer banner in its data: only these positions count.
        uint32(0) == 0x464C457F and (
            $magic in (0..0x400) or
            // Droppers overwrite the first UPX! to stop `upx -d`; the pack header at the end stays, and
            // a packed file has no section table (e_shnum is 0).
            ($magic in (filesize - 0x80..filesize) and
             ((uint8(4) == 2 and uint16(0x3C) == 0) or (uint8(4) == 1 and uint16(0x30) == 0)))
        )
}
