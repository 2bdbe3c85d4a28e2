import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlertValidationError, alertWorkflowId, parseAlert } from '../../src/domain/alert';

const SAMPLES_DIR = join(__dirname, '..', '..', 'samples', 'alerts');
const sampleFiles = readdirSync(SAMPLES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const readSample = (f: string) => JSON.parse(readFileSync(join(SAMPLES_DIR, f), 'utf8')) as Record<string, unknown>;

const minimal = () => ({
  source: 'edr',
  sourceId: 'id-1',
  time: '2026-11-20T09:14:03Z',
  title: 'Something happened',
  severity: 'low',
});

/** The issues parseAlert reports for an input, or a failure if it accepts it. */
function issuesOf(input: unknown): string[] {
  try {
    parseAlert(input);
  } catch (err) {
    expect(err).toBeInstanceOf(AlertValidationError);
    return (err as AlertValidationError).issues;
  }
  throw new Error(`parseAlert accepted ${JSON.stringify(input)}`);
}

describe('parseAlert', () => {
  it('finds the bundled samples', () => {
    expect(sampleFiles.length).toBeGreaterThanOrEqual(5);
  });

  it.each(sampleFiles)('accepts samples/alerts/%s', (file) => {
    const json = readSample(file);
    const alert = parseAlert(json);
    expect(alert.source).toBe(json.source);
    expect(alert.sourceId).toBe(json.sourceId);
    expect(alert.severity).toBe(json.severity);
    expect(alert.title).toBe(json.title);
  });

  it('fills defaults for omitted lists', () => {
    const alert = parseAlert(minimal());
    expect(alert.attackTechniques).toEqual([]);
    expect(alert.observables).toEqual({
      hosts: [],
      users: [],
      processes: [],
      files: [],
      network: [],
      domains: [],
      urls: [],
      ips: [],
      emails: [],
    });
  });

  it('keeps process ancestry, defaulting parents to an empty list', () => {
    const alert = parseAlert({
      ...minimal(),
      observables: { processes: [{ name: 'a.exe', parents: [{ name: 'b.exe' }] }, { name: 'c.exe' }] },
    });
    expect(alert.observables.processes[0].parents.map((p) => p.name)).toEqual(['b.exe']);
    expect(alert.observables.processes[1].parents).toEqual([]);
  });

  it('trims text fields', () => {
    expect(parseAlert({ ...minimal(), title: '  padded  ', sourceId: ' x ' })).toMatchObject({ title: 'padded', sourceId: 'x' });
  });

  it('accepts a time with an offset', () => {
    expect(parseAlert({ ...minimal(), time: '2026-11-20T09:14:03+02:00' }).time).toBe('2026-11-20T09:14:03+02:00');
  });

  it.each([
    ['severity', { severity: 'urgent' }],
    ['source', { source: 'Bad Source!' }],
    ['sourceId', { sourceId: '   ' }],
    ['time', { time: 'yesterday' }],
    ['title', { title: '' }],
    ['attackTechniques.0', { attackTechniques: ['X1059'] }],
  ])('rejects a bad %s, naming the field', (path, patch) => {
    const issues = issuesOf({ ...minimal(), ...patch });
    expect(issues.some((i) => i.startsWith(`${path}: `))).toBe(true);
  });

  it('names nested field paths', () => {
    const issues = issuesOf({
      ...minimal(),
      observables: {
        processes: [{ name: 'x.exe', hashes: { sha256: 'not-a-hash' } }],
        network: [{ dstIp: '203.0.113.7', dstPort: 70000 }],
      },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^observables\.processes\.0\.hashes\.sha256: sha256 must be 64 hex digits/),
        expect.stringMatching(/^observables\.network\.0\.dstPort: /),
      ]),
    );
  });

  it('reports every bad field, not only the first', () => {
    const issues = issuesOf({ ...minimal(), severity: 'urgent', title: '', source: 'A B' });
    const fields = issues.map((i) => i.split(':')[0]).sort();
    expect(fields).toEqual(['severity', 'source', 'title']);
  });

  it('reports missing required fields by name', () => {
    const issues = issuesOf({});
    const fields = issues.map((i) => i.split(':')[0]).sort();
    expect(fields).toEqual(['severity', 'source', 'sourceId', 'time', 'title']);
  });

  it('rejects a non-object as a whole, saying so', () => {
    const issues = issuesOf('not an alert');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^\(root\): /);
  });

  it('puts the issues in the error message', () => {
    expect(() => parseAlert({ ...minimal(), severity: 'urgent' })).toThrow(/^invalid alert: severity: /);
  });
});

describe('alertWorkflowId', () => {
  it('is deterministic in source and sourceId', () => {
    const a = parseAlert(readSample(sampleFiles[0]));
    expect(alertWorkflowId(a)).toBe(alertWorkflowId({ source: a.source, sourceId: a.sourceId }));
    expect(alertWorkflowId({ source: 'edr', sourceId: 'abc-1' })).toBe('alert:edr:abc-1');
  });

  it('keeps ids made of safe characters readable', () => {
    expect(alertWorkflowId({ source: 'edr-sample', sourceId: 'ps-enc_0001.v2:x' })).toBe('alert:edr-sample:ps-enc_0001.v2:x');
  });

  it('differs by source', () => {
    expect(alertWorkflowId({ source: 'a', sourceId: '1' })).not.toBe(alertWorkflowId({ source: 'b', sourceId: '1' }));
  });

  it('percent-encodes unsafe characters as UTF-8 bytes', () => {
    expect(alertWorkflowId({ source: 's', sourceId: 'a/b c' })).toBe('alert:s:a%2Fb%20c');
    expect(alertWorkflowId({ source: 's', sourceId: 'é' })).toBe('alert:s:%C3%A9');
  });

  it('only emits characters from the safe set plus percent escapes', () => {
    const id = alertWorkflowId({ source: 's', sourceId: 'weird \n\t"\'<>/?#&=+é€😀' });
    expect(id).toMatch(/^alert:s:(?:[A-Za-z0-9_.:-]|%[0-9A-F]{2})+$/);
  });

  it('keeps distinct source ids distinct, including ones that differ only in encoded characters', () => {
    const ids = [
      'a/b',
      'a%2Fb',
      'a%252Fb',
      'a b',
      'a+b',
      'a%20b',
      'a_b',
      'a.b',
      'a:b',
      'a-b',
      'ab',
      'a//b',
      'a/ b',
      'é',
      '%C3%A9',
      'e\u0301',
      '€',
      '\uFFFD',
    ];
    const workflowIds = ids.map((sourceId) => alertWorkflowId({ source: 's', sourceId }));
    expect(new Set(workflowIds).size).toBe(ids.length);
  });

  it('keeps source ids with characters outside the BMP (emoji, math letters) distinct', () => {
    // Each is one code point made of two UTF-16 code units; encoding code units one at a
    // time turns every surrogate into U+FFFD, so all of these would share one workflow.
    const ids = ['😀', '🙂', '𝒜', '\u{10FFFF}', '\uFFFD\uFFFD'];
    const workflowIds = ids.map((sourceId) => alertWorkflowId({ source: 's', sourceId }));
    expect(new Set(workflowIds).size).toBe(ids.length);
    expect(alertWorkflowId({ source: 's', sourceId: '😀' })).toBe('alert:s:%F0%9F%98%80');
  });
});
