// YARA rules generated from real PE files: each compiles with YARA-X, matches its sample and
// none of the benign files (the corpus, the other fixture programs, benign alert evidence).
import { compile } from '@litko/yara-x';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfirmedIncident } from '../../src/content/incident';
import { benignFilesFromFolders, emptyBenignFiles, type BenignFiles } from '../../src/content/yara/benign-files';
import { generateYaraRules } from '../../src/content/yara/generate';
import { parseAlert } from '../../src/domain/alert';
import { CORPUS_DIR } from '../helpers/corpus';
import { IMPLANT_STRINGS, implantSample } from './samples';

const FIXTURES = join(__dirname, '..', 'fixtures', 'file');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

export function incidentFor(id: string): ConfirmedIncident {
  const alert = parseAlert({
    source: 'edr',
    sourceId: id,
    time: '2026-12-01T10:00:00Z',
    title: 'Implant dropped on ws-0142',
    severity: 'high',
    attackTechniques: ['T1105'],
    observables: { hosts: [{ hostname: 'ws-0142', ip: '10.20.30.40' }], users: [{ name: 'jdoe' }], files: [{ name: 'update.exe' }] },
  });
  return ConfirmedIncident.parse({ id: `alert:edr:${id}`, alerts: [alert], verdict: 'malicious', confirmedAt: '2026-12-01T11:00:00Z' });
}

/** The fixture programs except `except`, plus the public corpus (mails, logs, rules): all benign. */
function benignWithout(...except: string[]): BenignFiles {
  const benign = benignFilesFromFolders([CORPUS_DIR]);
  for (const name of ['hello-x64.exe', 'hello-x64-upx.exe', 'ordinals-x86.exe', 'hello-elf-upx'].filter((n) => !except.includes(n))) {
    benign.files.push({ name, bytes: fixture(name) });
  }
  return benign;
}

describe('YARA rule generation', () => {
  const implant = implantSample();
  const benign = benignWithout();

  it('proposes a rule for an implant built on a benign program, which its twin does not match', () => {
    const { rules, dropped } = generateYaraRules(incidentFor('implant-1'), [{ name: 'update.exe', bytes: implant }], benign);
    expect(dropped).toEqual([]);
    expect(rules).toHaveLength(1);
    const [rule] = rules;
    // The twin hello-x64.exe has the same imports and sections: only the implant's own strings tell them apart.
    expect(rule.source).toContain('pe.imphash() == "8a98287583280596621b430fd66919dd"');
    expect(rule.source).toMatch(/pe\.number_of_sections == \d+/);
    expect(rule.source).toMatch(/filesize >= \d+ and\s+filesize <= \d+/);
    expect(rule.strings.map((s) => s.text)).toEqual(expect.arrayContaining([IMPLANT_STRINGS.url, IMPLANT_STRINGS.pdb]));
    expect(rule.strings).toContainEqual({ text: IMPLANT_STRINGS.mutex, wide: true });
    // Nothing private (the host ws-0142, the user jdoe) goes into a rule.
    expect(rule.source).not.toMatch(/ws-0142|jdoe/i);
    expect(rule.checkedBenign).toBe(benign.files.length);
    expect(benign.files.length).toBeGreaterThan(400);

    const compiled = compile(rule.source);
    expect(compiled.scan(implant).map((m: { ruleIdentifier: string }) => m.ruleIdentifier)).toEqual([rule.name]);
    const hits = benign.files.filter((f) => compiled.scan(f.bytes).length > 0).map((f) => f.name);
    expect(hits).toEqual([]);
  });

  it('makes a rule from an unmodified compiled program, matching none of the others', () => {
    const sample = fixture('ordinals-x86.exe');
    const others = benignWithout('ordinals-x86.exe');
    const { rules } = generateYaraRules(incidentFor('ordinals'), [{ bytes: sample }], others);
    expect(rules).toHaveLength(1);
    const compiled = compile(rules[0].source);
    expect(compiled.scan(sample)).toHaveLength(1);
    expect(others.files.filter((f) => compiled.scan(f.bytes).length > 0)).toEqual([]);
    // Strings the x64 build shares (the mingw runtime) are not distinctive.
    for (const s of rules[0].strings)
      expect(fixture('hello-x64.exe').includes(Buffer.from(s.text, s.wide ? 'utf16le' : 'latin1'))).toBe(false);
  });

  it('proposes nothing for a known benign file or a sample with nothing of its own', () => {
    const known = fixture('hello-x64.exe');
    const withHash = emptyBenignFiles();
    withHash.sha256s.add('d2504555589da997f2d6f2ed4a59e1500c3a9caa7e6f345dc53f2ce966922b7e');
    expect(generateYaraRules(incidentFor('known'), [{ name: 'hello', bytes: known }], withHash)).toEqual({
      rules: [],
      dropped: [{ sample: 'hello', reason: 'the sample is a known benign file' }],
    });
    // A benign file that contains the whole sample leaves no distinctive string.
    const container = emptyBenignFiles();
    container.files.push({ name: 'archive', bytes: Buffer.concat([Buffer.from('prefix'), known]) });
    const { rules, dropped } = generateYaraRules(incidentFor('contained'), [{ name: 'hello', bytes: known }], container);
    expect(rules).toEqual([]);
    expect(dropped[0].reason).toMatch(/^fewer than 2 strings absent/);
  });

  it('never makes content from an incident that is not confirmed', () => {
    const unconfirmed = { ...incidentFor('open'), verdict: 'suspicious' as const };
    expect(() => generateYaraRules(unconfirmed, [{ bytes: implant }], benign)).toThrow(/neither analyst-approved nor judged malicious/);
  });
});
