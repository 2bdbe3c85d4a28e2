// SPDX-License-Identifier: Apache-2.0
// autosoc curated YARA rules: resource hijacking and ransomware artefacts.

rule autosoc_cryptominer
{
    meta:
        description = "Cryptocurrency miner: a stratum pool URL with miner options, or a miner binary's own strings"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1496/"
        attack = "T1496"
        severity = "high"
    strings:
        // A real pool address carries host and port; detection content usually names only the scheme.
        $pool = /stratum\+(tcp|ssl|tls|udp):\/\/[A-Za-z0-9.-]{1,200}\.[A-Za-z]{2,24}:[0-9]{2,5}/ nocase
        $opt1 = "--donate-level" ascii nocase
        $opt2 = "--cpu-priority" ascii nocase
        $opt3 = "--algo" ascii nocase
        $opt4 = "\"donate-level\"" ascii nocase
        $opt5 = "\"pools\"" ascii nocase
        $name1 = "xmrig" ascii wide nocase
        $name2 = "cpuminer" ascii wide nocase
        $name3 = "nicehash" ascii wide nocase
        $bin1 = "stratum+tcp://" ascii wide
        $bin2 = "cryptonight" ascii wide nocase
        $bin3 = "randomx" ascii wide nocase
        $bin4 = "mining.subscribe" ascii wide
        $bin5 = "mining.submit" ascii wide
    condition:
        ($pool and (any of ($opt*) or any of ($name*))) or
        ((uint16(0) == 0x5A4D or uint32(0) == 0x464C457F) and 3 of ($bin*))
}

rule autosoc_ransom_note
{
    meta:
        description = "Ransom note: says the victim's files are encrypted and asks for payment in cryptocurrency or over Tor"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1486/"
        attack = "T1486"
        severity = "critical"
    strings:
        $encrypted1 = "your files have been encrypted" ascii wide nocase
        $encrypted2 = "your files are encrypted" ascii wide nocase
        $encrypted3 = "files were encrypted" ascii wide nocase
        $encrypted4 = "all your files" ascii wide nocase
        $encrypted5 = "your network has been" ascii wide nocase
        $pay1 = "bitcoin" ascii wide nocase
        $pay2 = "monero" ascii wide nocase
        $pay3 = "tor browser" ascii wide nocase
        $pay4 = /[a-z2-7]{56}\.onion/ ascii wide nocase
        $pay5 = /\bBTC\b/ ascii wide
    condition:
        filesize < 1MB and any of ($encrypted*) and any of ($pay*)
}
