// scanWithYara: from bytes to one Finding — verdict from the highest rule severity, ATT&CK ids
// from rule meta, bounded evidence, input caps, and failures reported instead of thrown.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Finding } from '../../../src/domain/finding';
import {
  ANALYZER_VERSION,
  getYaraScanner,
  MAX_MATCHES_PER_PATTERN,
  scanWithYara,
  YARA_ANALYZER,
  type YaraScanner,
} from '../../../src/analyzers/yara';
import { EICAR, RULE_SAMPLES } from '../../fixtures/yara/samples';

const sample = (rule: string, i = 0) => RULE_SAMPLES.find((s) => s.rule === rule)!.positives[i].bytes;
const curated = getYaraScanner([]);

describe('scanWithYara with the curated rules', () => {
  it('judges a PHP web shell malicious, with ATT&CK ids and the matching string as evidence', () => {
    const bytes = sample('autosoc_php_webshell_request_eval');
    const f = Finding.parse(scanWithYara(bytes, curated));
    expect(f).toMatchObject({ analyzer: YARA_ANALYZER, verdict: 'malicious', score: 95, attack: ['T1505.003'] });
    expect(f.error).toBeUndefined();
    expect(f.summary).toContain('autosoc_php_webshell_request_eval (critical)');
    const offset = bytes.indexOf('eval(');
    expect(f.evidence[0]).toContain(`$decoded@${offset} "eval(base64_decode($_POST[`);
  });

  it('takes the verdict from the highest severity and unions the ATT&CK ids', () => {
    const bytes = Buffer.concat([sample('autosoc_upx_packed_pe'), sample('autosoc_pe_process_injection_apis').subarray(0x400)]);
    const f = scanWithYara(bytes, curated);
    expect(f.verdict).toBe('suspicious');
    expect(f.score).toBe(55);
    expect(f.attack).toEqual(['T1027.002', 'T1055']);
    expect(f.evidence.map((e) => e.split(' ')[0])).toEqual(['autosoc_pe_process_injection_apis', 'autosoc_upx_packed_pe']);
  });

  it('calls a low-severity match suspicious and an informational one (EICAR) benign', () => {
    expect(scanWithYara(sample('autosoc_upx_packed_elf'), curated)).toMatchObject({
      verdict: 'suspicious',
      score: 30,
      attack: ['T1027.002'],
    });
    const eicar = scanWithYara(Buffer.from(EICAR, 'latin1'), curated);
    expect(eicar).toMatchObject({ verdict: 'benign', score: 5, confidence: 0.5, attack: [] });
    expect(eicar.summary).toContain('autosoc_eicar_test_file (info)');
  });

  it('says unknown, not benign, when nothing matches', () => {
    const f = Finding.parse(scanWithYara(Buffer.from('just a plain note\n'), curated));
    expect(f).toMatchObject({ verdict: 'unknown', score: 0, confidence: 0.3, evidence: [], attack: [] });
  });

  it('scans Uint8Array views at their own offset, not the whole backing buffer', () => {
    const shell = sample('autosoc_reverse_shell_one_liner');
    const backing = new Uint8Array(shell.length + 100);
    backing.set(shell, 100);
    expect(scanWithYara(backing.subarray(100), curated).verdict).toBe('malicious');
    expect(scanWithYara(backing.subarray(0, 100), curated).verdict).toBe('unknown');
  });

  it('scans big inputs only up to the cap and says so', () => {
    const shell = sample('autosoc_php_webshell_request_eval');
    const bytes = Buffer.concat([Buffer.alloc(4096, 0x20), shell]);
    const capped = scanWithYara(bytes, curated, { maxBytes: 4096 });
    expect(capped.verdict).toBe('unknown');
    expect(capped.evidence).toEqual([`scanned the first 4096 of ${bytes.length} bytes`]);
    const whole = scanWithYara(bytes, curated);
    expect(whole.verdict).toBe('malicious');
    expect(whole.evidence.some((e) => e.startsWith('scanned the first'))).toBe(false);
  });

  it('returns an error finding for input that is not bytes', () => {
    const f = Finding.parse(scanWithYara('<?php system($_GET["c"]);' as unknown as Uint8Array, curated));
    expect(f).toMatchObject({ verdict: 'unknown', score: 0, confidence: 0, error: 'input is not a byte array' });
  });
});

describe('scanWithYara with user rules', () => {
  let dir: string;
  let scanner: YaraScanner;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'autosoc-yara-scan-'));
    writeFileSync(
      join(dir, 'user.yar'),
      [
        'rule user_scored { meta: score = 70 mitre_attack = "t1003.001 and T1552" strings: $a = "ALPHA-MARKER" condition: $a }',
        'rule user_plain { strings: $b = { 00 01 02 41 22 5C } condition: $b }',
        'rule user_many { strings: $c = "<?" condition: #c > 10 }',
        'rule user_named { condition: filename == "invoice.js" and extension == ".js" }',
      ].join('\n'),
    );
    scanner = getYaraScanner([dir], { bundled: false });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads numeric score and mitre_attack meta from public-style rules', () => {
    const f = scanWithYara(Buffer.from('xx ALPHA-MARKER xx'), scanner);
    expect(f).toMatchObject({ verdict: 'malicious', score: 70, attack: ['T1003.001', 'T1552'] });
    expect(f.summary).toContain('user_scored (score 70)');
  });

  it('treats a rule without severity as worth a look and shows binary matches escaped', () => {
    const f = scanWithYara(Buffer.from([0x41, 0x00, 0x01, 0x02, 0x41, 0x22, 0x5c, 0x0a]), scanner);
    expect(f).toMatchObject({ verdict: 'suspicious', score: 50 });
    expect(f.evidence).toEqual(['user_plain (score 50) [$b@1 "\\x00\\x01\\x02A\\x22\\x5c"]']);
  });

  it('caps matches per pattern, so an input full of hits stays small', () => {
    const bytes = Buffer.alloc(4 * 1024 * 1024, '<?');
    const matches = scanner.rules.scan(bytes);
    expect(matches.map((m) => m.ruleIdentifier)).toEqual(['user_many']);
    expect(matches[0].matches).toHaveLength(MAX_MATCHES_PER_PATTERN);
    const f = scanWithYara(bytes, scanner);
    expect(f.evidence).toEqual(['user_many (score 50) [$c@0 "<?"]']);
  });

  it('fills the filename externals when the caller knows the name, and ignores names the binding would mistype', () => {
    expect(scanWithYara(Buffer.from('var a = 1;'), scanner, { fileName: 'C:\\Users\\x\\invoice.js' }).summary).toContain('user_named');
    expect(scanWithYara(Buffer.from('var a = 1;'), scanner).verdict).toBe('unknown');
    const numeric = scanWithYara(Buffer.from('var a = 1;'), scanner, { fileName: '12345' });
    expect(numeric.error).toBeUndefined();
    expect(numeric.verdict).toBe('unknown');
  });

  it('versions results by code and rule set', () => {
    expect(scanner.version).toMatch(new RegExp(`^${ANALYZER_VERSION}\\+[0-9a-f]{16}$`));
    expect(scanner.version).not.toBe(curated.version);
  });
});
