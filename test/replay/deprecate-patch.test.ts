// The deprecatePatch plan (DEVELOPERS.md, Retiring patches), its first step shown on a copy of
// today's workflow code, replayed against every recorded history: 'assessment-v1' (the oldest
// patch: its pre-patch fixtures carry no marker at all).
// - Step 1, patched -> deprecatePatch: every history recorded with the marker still replays;
//   exactly the histories recorded before the patch (pre-assessment-*) break, which is why the
//   step waits until no such run is open or within retention, and drops those fixtures with it.
// - Step 2, the call removed: every history recorded with the (not deprecated) marker breaks
//   as well, which is why step 2 waits for every run started before step 1's deploy, and needs
//   histories re-recorded under step 1 (deprecated marker) to guard it.
// The source tree is copied into the worktree (so its imports resolve node_modules) and removed.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { loadHistories } from '../helpers/histories';
import { testDataConverter } from '../helpers/security';

const REPO = join(__dirname, '..', '..');
const STAGES = join('src', 'workflows', 'sdk', 'stages.ts');
const PATCHED_ASSESS = "if (patched('assessment-v1')) status.assessment = await analysisSteps.assess(";
const histories = loadHistories();
const copies: string[] = [];

/** A copy of src/ and playbooks/ with stages.ts's assessment-v1 line rewritten; the path of its workflows. */
function variant(line: string, imports: string): string {
  const root = mkdtempSync(join(REPO, '.replay-variant-'));
  copies.push(root);
  cpSync(join(REPO, 'src'), join(root, 'src'), { recursive: true });
  cpSync(join(REPO, 'playbooks'), join(root, 'playbooks'), { recursive: true });
  const file = join(root, STAGES);
  const source = readFileSync(file, 'utf8');
  // The test must fail, not pass vacuously, when the patched line changes.
  expect(source.split(PATCHED_ASSESS)).toHaveLength(2);
  writeFileSync(
    file,
    source
      .replace(PATCHED_ASSESS, line)
      .replace("import { allHandlersFinished, condition, log, patched, upsertSearchAttributes } from '@temporalio/workflow';", imports),
  );
  return join(root, 'src', 'workflows', 'index.ts');
}

/** Names of the histories that fail to replay on the given workflow code. */
async function failingHistories(workflowsPath: string): Promise<string[]> {
  const failed: string[] = [];
  const byId = new Map(histories.map((h) => [h.workflowId, h.name]));
  const results = Worker.runReplayHistories(
    { workflowsPath, dataConverter: testDataConverter },
    histories.map((h) => ({ workflowId: h.workflowId, history: h.history })),
  );
  for await (const r of results) if (r.error) failed.push(byId.get(r.workflowId)!);
  return failed.sort();
}

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

const PRE_ASSESSMENT = [
  'pre-assessment-auto-closed',
  'pre-assessment-escalated-approved-by-update',
  'pre-assessment-escalated-closed-by-signal',
  'pre-assessment-escalated-retriaged-by-related-alerts',
];

test('fixture workflow ids are unique (results are matched by them)', () => {
  expect(new Set(histories.map((h) => h.workflowId)).size).toBe(histories.length);
});

test("step 1: deprecatePatch('assessment-v1') replays every history but those recorded before the patch", async () => {
  const path = variant(
    "deprecatePatch('assessment-v1'); status.assessment = await analysisSteps.assess(",
    "import { allHandlersFinished, condition, deprecatePatch, log, patched, upsertSearchAttributes } from '@temporalio/workflow';",
  );
  expect(await failingHistories(path)).toEqual(PRE_ASSESSMENT);
}, 300_000);

test("step 2: without the call, histories recorded with assessment-v1's marker (not deprecated) break too", async () => {
  const path = variant(
    'status.assessment = await analysisSteps.assess(',
    "import { allHandlersFinished, condition, log, patched, upsertSearchAttributes } from '@temporalio/workflow';",
  );
  // Every alert history recorded so far: the ones with the marker and, of course, the ones from before it.
  const alertHistories = histories
    .filter((h) => h.history.events![0].workflowExecutionStartedEventAttributes!.workflowType!.name === 'alertWorkflow')
    .map((h) => h.name)
    .sort();
  expect(alertHistories.length).toBeGreaterThan(PRE_ASSESSMENT.length);
  expect(await failingHistories(path)).toEqual(alertHistories);
}, 300_000);
