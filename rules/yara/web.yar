// SPDX-License-Identifier: Apache-2.0
// autosoc curated YARA rules: HTML pages and attachments.

rule autosoc_html_credential_phishing
{
    meta:
        description = "HTML with a password field that posts to a remote server or a bot API, under a well-known brand"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1566/001/"
        attack = "T1566.001, T1056"
        severity = "high"
    strings:
        $password = /<input[^>]{0,300}type\s*=\s*["']?password/ nocase
        $post_remote = /<form[^>]{0,300}action\s*=\s*["']?https?:\/\// nocase
        $post_php = /<form[^>]{0,300}action\s*=\s*["'][^"']{0,200}\.php\b/ nocase
        $post_telegram = "api.telegram.org/bot" nocase
        $post_discord = "discord.com/api/webhooks" nocase
        $brand1 = "Microsoft" nocase
        $brand2 = "Office 365" nocase
        $brand3 = "Outlook" nocase
        $brand4 = "OneDrive" nocase
        $brand5 = "SharePoint" nocase
        $brand6 = "Adobe" nocase
        $brand7 = "DocuSign" nocase
        $brand8 = "Dropbox" nocase
        $brand9 = "PayPal" nocase
        $brand10 = "WeTransfer" nocase
        $brand11 = "Webmail" nocase
        $brand12 = "DHL" nocase
        $brand13 = "Netflix" nocase
        $brand14 = "Apple ID" nocase
    condition:
        filesize < 5MB and $password and any of ($post*) and any of ($brand*)
}

rule autosoc_html_smuggling
{
    meta:
        description = "HTML smuggling: a script decodes an embedded payload with atob, wraps it in a Blob and saves it as a file"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1027/006/"
        attack = "T1027.006"
        severity = "high"
    strings:
        $atob = "atob(" ascii nocase
        $blob = "new Blob(" ascii nocase
        $save1 = "msSaveOrOpenBlob" ascii nocase
        $save2 = "msSaveBlob" ascii nocase
        $save3 = /\.download\s*=/ nocase
        $save4 = /setAttribute\(\s*["']download["']/ nocase
        // What is smuggled: base64 of an MZ or ZIP header, or a download name with a risky extension.
        $payload1 = "TVqQAAMAAAAEAAAA"
        $payload2 = "TVpQAAIAAAAEAA"
        $payload3 = "UEsDBBQA"
        $payload4 = /download\s*["']?\s*[=,]\s*["'][^"'\r\n]{1,120}\.(exe|dll|scr|zip|rar|7z|iso|img|vhd|vhdx|js|jse|vbs|vbe|hta|lnk|msi|one|wsf|cab)["']/ nocase
    condition:
        filesize < 20MB and $atob and $blob and any of ($save*) and any of ($payload*)
}

rule autosoc_html_escaped_document_write
{
    meta:
        description = "HTML that writes itself from a long escaped string literal: hides a phishing page from mail filters"
        author = "autosoc"
        reference = "https://attack.mitre.org/techniques/T1027/"
        attack = "T1027, T1566.001"
        severity = "medium"
    strings:
        // The old analytics snippet also calls document.write(unescape(...)), but on a short string.
        $write_encoded = /document\.write\s*\(\s*(unescape|decodeURIComponent|decodeURI)\s*\(\s*('[^'\r\n]{512}|"[^"\r\n]{512})/ nocase
    condition:
        $write_encoded
}
