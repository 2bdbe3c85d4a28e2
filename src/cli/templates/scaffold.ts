// The templates `autosoc new` writes: a playbook or an analyzer plugin, each with a test that
// passes as written (test/cli/new-command.test.ts runs both), for the engineer to change.

export interface Names {
  kebab: string;
  camel: string;
}

export const playbookTemplate = ({
  kebab,
  camel,
}: Names) => `// ${camel}: what this playbook does, for which alerts. Route alerts to it in the policy:
//   playbooks: { routes: [{ name: ${kebab}, playbook: ${camel}, match: { rule: ["*your rule*"] } }] }
// Workflow code: deterministic, no I/O (lint checks); every step is an SDK stage (src/workflows/sdk).
import { proposeResponse } from '../src/domain/response';
import {
  type AlertStatus, closeCase, collect, investigate, type PlaybookInput, report, respond, startPlaybook, triage, waitForAnalyst,
} from '../src/workflows/sdk';

export async function ${camel}(input: PlaybookInput): Promise<AlertStatus> {
  const run = startPlaybook(input);
  await collect(run);
  await investigate(run, { evidence: run.evidence }); // or { analyzers: ['url', 'ip'] }
  const triaged = await triage(run);
  if (triaged.verdict === 'benign') {
    run.status.outcome = 'auto_closed';
    return report(run);
  }
  const { decision, proposed, approvers } = await waitForAnalyst(run, { proposed: proposeResponse(run.observables, triaged.verdict) });
  if (decision.action === 'approve') await respond(run, { actions: proposed, approvedBy: approvers });
  await closeCase(run, {
    outcome: decision.action === 'approve' ? 'approved_and_responded' : 'closed_by_analyst', closedBy: decision.actor, reason: decision.reason ?? '',
  });
  return report(run);
}
`;

export const playbookTestTemplate = ({
  kebab,
  camel,
}: Names) => `// ${camel} on the time-skipping server with the real activities and database: start it,
// let an SLA tier pass in milliseconds, approve as an analyst, check what it did.
import { statusQuery } from '../../src/workflows/messages';
import { sampleAlert } from '../helpers/alerts';
import { uniqueSuffix } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflow-harness';

let h: WorkflowHarness;
beforeAll(async () => { h = await workflowHarness(); });
afterAll(() => h?.close());

test('${camel} escalates a malicious alert, moves tiers on the SLA, and responds once approved', async () => {
  const handle = await h.startPlaybook('${camel}', sampleAlert('01-encoded-powershell.json', \`${kebab}-\${uniqueSuffix()}\`));
  await h.untilStage(handle, 'awaiting_analyst');
  await h.advance(16 * 60_000); // the default policy gives tier1 15 minutes
  expect((await handle.query(statusQuery)).tier).toBe('tier2');
  await h.decide(handle, { action: 'approve', actor: 'alice', reason: 'contain the host' });
  const result = await handle.result();
  expect(result.outcome).toBe('approved_and_responded');
  expect(result.responseActions).toContain('isolate_host:fin-ws-042=recorded for manual action');
});
`;

export const analyzerTemplate = ({
  kebab,
}: Names) => `// ${kebab}: an analyzer plugin. Loaded by the worker from AUTOSOC_PLUGIN_DIRS (after npm run
// build: dist/plugins/analyzers), checked against src/plugins/plugin-api.ts, run on its own
// thread within its limits. Pure: no database, no network.
import type { AnalyzerPlugin } from '../../src/plugins/plugin-api';

/** Top-level domains this example distrusts: replace with your own logic. */
const RISKY_TLDS = ['.zip', '.mov'];

const plugin: AnalyzerPlugin = {
  kind: 'analyzer',
  name: '${kebab}',
  version: '0.1.0', // bump when the logic changes: cached results of older versions are ignored
  inputKinds: ['domain'], // observable kinds, or evidence kinds such as 'evidence:file'
  limits: { timeMs: 5_000, memoryMb: 128 },
  analyze(input) {
    const domains = 'observables' in input ? input.observables.domains ?? [] : [];
    const hits = domains.filter((d) => RISKY_TLDS.some((tld) => d.endsWith(tld)));
    return hits.length
      ? { verdict: 'suspicious', score: 50, confidence: 0.6, summary: \`domain(s) under a distrusted TLD: \${hits.join(', ')}\`, evidence: hits }
      : { verdict: 'unknown', score: 0, confidence: 0.3, summary: 'no domain under a distrusted TLD' };
  },
};
export default plugin;
`;

export const analyzerTestTemplate = ({ kebab }: Names) => `// ${kebab}: loaded and checked as the worker loads it, then asked about domains.
import { join } from 'node:path';
import { loadPlugin } from '../../src/plugins/load-plugins';
import { checkedFinding } from '../../src/plugins/plugin-analyzers';
import type { AnalyzerPlugin } from '../../src/plugins/plugin-api';

const { plugin } = loadPlugin('${kebab}', join(__dirname, '..', '..', 'plugins', 'analyzers', '${kebab}.ts'));
const analyzer = plugin as AnalyzerPlugin;
const ask = async (domains: string[]) => checkedFinding(analyzer.name, await analyzer.analyze({ observables: { domains } }));

test('declares its interface', () => {
  expect(plugin).toMatchObject({ kind: 'analyzer', name: '${kebab}', inputKinds: ['domain'] });
});

test('flags a domain under a distrusted TLD', async () => {
  expect(await ask(['invoice-2026.zip'])).toMatchObject({ analyzer: '${kebab}', verdict: 'suspicious', evidence: ['invoice-2026.zip'] });
});

test('says nothing of other domains', async () => {
  expect(await ask(['example.com'])).toMatchObject({ verdict: 'unknown', score: 0 });
});
`;
