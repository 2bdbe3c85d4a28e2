// SPDX-License-Identifier: Apache-2.0
// autosoc curated YARA rules: test files that prove a detection pipeline works.

rule autosoc_eicar_test_file
{
    meta:
        description = "EICAR anti-malware test file: harmless by design, used to check that scanning is wired up"
        author = "autosoc"
        reference = "https://www.eicar.org/download-anti-malware-testfile/"
        attack = ""
        severity = "info"
    strings:
        // The standard file is these 68 bytes at offset 0, optionally followed by whitespace (128 bytes at most).
        $eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    condition:
        filesize <= 128 and $eicar at 0
}
