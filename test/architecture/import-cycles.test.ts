// Modules import in one direction: activities do not reach back into the ingest service, and
// ingest starts workflows through their names and message definitions, not through activities.
// A cycle ties layers into one knot a newcomer has to read all at once (it was 20 files:
// activities/deps.ts → IngestService → workflows → activities). This test reads src/ and fails
// naming each cycle.
import { importCycles, importGraph } from '../helpers/source-files';

/**
 * Cycles inside one family of modules, each a type imported back by a helper of its module.
 * Shrink, never grow: a new cycle fails even within one folder.
 */
const KNOWN_CYCLES: Record<string, string> = {
  'analyzers/file/pe-imports.ts → analyzers/file/pe.ts → analyzers/file/pe-imports.ts': 'the import parser takes the PE address map type',
  'connectors/response/okta-http.ts → connectors/response/okta.ts → connectors/response/okta-http.ts':
    'the Okta caller takes the connector settings type',
  'workflows/sdk/analyst-wait.ts → workflows/sdk/run.ts → workflows/sdk/analyst-wait.ts': 'the analyst wait takes the PlaybookRun type',
};

const topFolder = (file: string) => file.split('/')[0];
const cycles = () => importCycles(importGraph()).map((c) => ({ files: c, text: c.join(' → ') }));

test('no import cycle crosses folders of src/ (workflows, activities, ingest, store, …)', () => {
  const crossing = cycles()
    .filter((c) => new Set(c.files.map(topFolder)).size > 1)
    .map((c) => c.text);
  expect(crossing).toEqual([]);
});

test('no import cycle inside a folder but the known ones', () => {
  expect(
    cycles()
      .map((c) => c.text)
      .filter((c) => !(c in KNOWN_CYCLES)),
  ).toEqual([]);
});

test('the known list names only cycles that still exist', () => {
  const now = new Set(cycles().map((c) => c.text));
  expect(Object.keys(KNOWN_CYCLES).filter((c) => !now.has(c))).toEqual([]);
});

test('the cycle finder names a cycle it is given', () => {
  const graph = new Map([
    ['activities/deps.ts', ['ingest/ingest-service.ts']],
    ['ingest/ingest-service.ts', ['workflows/index.ts', 'domain/alert.ts']],
    ['workflows/index.ts', ['activities/deps.ts']],
    ['domain/alert.ts', []],
  ]);
  expect(importCycles(graph)).toEqual([['activities/deps.ts', 'ingest/ingest-service.ts', 'workflows/index.ts', 'activities/deps.ts']]);
});
