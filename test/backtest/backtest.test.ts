// The offline backtest over real samples: the corpus's own labels (phishing honeypot mail is
// "malicious", SpamAssassin ham "benign") against the dispositions, a policy file changing
// the outcome, and unreadable inputs reported without stopping the run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backtest, renderTable, totals } from '../../src/backtest/backtest';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { offlinePlan } from '../../src/investigation/default-plan';
import { loadPolicy, PolicyError } from '../../src/policy/load-policy';
import { corpusPath } from '../helpers/corpus';
import { SAMPLES_DIR } from '../helpers/alerts';

const plan = offlinePlan();

test('corpus quality (not timed): exact counts of honeypot phishing escalated and ham escalated', async () => {
  const phishing = await backtest(corpusPath('eml', 'phishing'), DEFAULT_POLICY, plan);
  const benign = await backtest(corpusPath('eml', 'benign'), DEFAULT_POLICY, plan);
  console.log(`backtest on the corpus: phishing ${JSON.stringify(totals(phishing))}; benign ${JSON.stringify(totals(benign))}`);
  expect(phishing).toHaveLength(64);
  expect(benign).toHaveLength(60);
  // Scoring model v2 with the BEC/unsolicited-mail and scam signals (email analyzer v3),
  // default policy (no organisation context): 58 of 64 phishing escalate (91%; email v2: 47,
  // model v1: 34), 3 of 60 ham (5%; v1: 0). The 6 left are authenticated marketing-style spam
  // with no link to an abused TLD, no throwaway sender, no brand claim and no scam script.
  expect(totals(benign)).toEqual({ auto_close: 57, escalate: 3, auto_respond: 0, rejected: 0 });
  expect(totals(phishing)).toEqual({ auto_close: 6, escalate: 58, auto_respond: 0, rejected: 0 });
  expect(totals(phishing).escalate / phishing.length).toBeGreaterThanOrEqual(0.9);
  expect(totals(benign).escalate / benign.length).toBeLessThanOrEqual(0.05);
  const smuggling = phishing.find((r) => r.file === 'phishing_pot-sample-432.eml')!;
  expect(smuggling).toMatchObject({ disposition: 'escalate', verdict: 'malicious' });
  expect(smuggling.reasons.join(' ')).toMatch(/email/);
});

test('the bundled samples: the three attacks escalate with reasons, the benign two close', async () => {
  const rows = await backtest(SAMPLES_DIR, DEFAULT_POLICY, plan);
  const by = Object.fromEntries(rows.map((r) => [r.file, r.disposition]));
  expect(by).toEqual({
    '01-encoded-powershell.json': 'escalate',
    '02-lsass-dump.json': 'escalate',
    '03-phishing-link.json': 'escalate',
    '04-admin-login.json': 'auto_close',
    '05-port-scan.json': 'auto_close',
  });
  const table = renderTable(rows);
  expect(table).toMatch(/02-lsass-dump\.json\s+autosoc\s+escalate\s+malicious/);
  expect(table).toMatch(/5 files: 3 escalate, 2 auto_close, 0 auto_respond, 0 rejected/);
});

test('context that rests on forgeable text gets no credit: a tool named in a command line, a sender domain alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'autosoc-bt-'));
  const policyFile = join(dir, 'org.yaml');
  writeFileSync(
    policyFile,
    ['organisation:', '  sanctionedTools: ["comsvcs.dll"]', '  phishingSimulationSenders: ["mailbox-quota-check.top"]', ''].join('\n'),
  );
  const policy = loadPolicy([policyFile]);
  const rows = await backtest(SAMPLES_DIR, policy, plan);
  // Model v2 matches sanctioned tools on process images and simulations on the vendor's
  // campaign headers: the command-line mention and the bare sender domain change nothing.
  const phish = rows.find((r) => r.file === '03-phishing-link.json')!;
  expect(phish).toMatchObject({ disposition: 'escalate' });
  expect(phish.reasons.join(' ')).not.toMatch(/phishing-simulation/);
  const lsass = rows.find((r) => r.file === '02-lsass-dump.json')!;
  expect(lsass).toMatchObject({ disposition: 'escalate' });
  expect(lsass.reasons.join(' ')).not.toMatch(/sanctioned/);
});

test('unreadable inputs are rejected with their error and the run carries on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'autosoc-bt-'));
  writeFileSync(join(dir, 'a-truncated.json'), '{"source": "x", "sourceId": ');
  writeFileSync(join(dir, 'b-wrong.json'), JSON.stringify({ source: 'x', sourceId: '1', time: 'yesterday', title: 't', severity: 'huge' }));
  writeFileSync(join(dir, 'c-empty.eml'), '');
  writeFileSync(
    join(dir, 'd-good.json'),
    JSON.stringify({ source: 'x', sourceId: '2', time: '2026-11-20T10:00:00Z', title: 'quiet', severity: 'low' }),
  );
  const rows = await backtest(dir, DEFAULT_POLICY, plan);
  expect(rows.map((r) => [r.file, r.disposition])).toEqual([
    ['a-truncated.json', 'rejected'],
    ['b-wrong.json', 'rejected'],
    ['c-empty.eml', 'rejected'],
    ['d-good.json', 'auto_close'],
  ]);
  expect(rows[0].error).toMatch(/not valid JSON/);
  expect(rows[1].error).toMatch(/time: .*severity: /);
});

test('an invalid policy names the file and the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'autosoc-bt-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'approvals:\n  isolate_host: { quorum: 9 }\nslaTiers:\n  - { name: tier1, respondWithin: soon }\n');
  expect(() => loadPolicy([bad])).toThrow(PolicyError);
  expect(() => loadPolicy([bad])).toThrow(/bad\.yaml: slaTiers\.0\.respondWithin: "soon" is not a duration/);
  writeFileSync(bad, 'approvals:\n  isolate_host: { quorum: 9 }\n');
  expect(() => loadPolicy([bad])).toThrow(/approvals\.isolate_host\.quorum: Too big/);
  expect(loadPolicy([join(__dirname, '..', '..', 'policy', 'example.yaml')]).approvals?.isolate_host).toEqual({
    quorum: 2,
    fourEyes: true,
  });
});

test('the CLI prints the table, or one JSON object per file with the documented fields', async () => {
  const { run } = await import('../../src/cli/main');
  let out = '';
  const io = {
    stdout: (s: string) => {
      out += s;
    },
    stderr: (s: string) => {
      out += s;
    },
  };
  expect(await run(['backtest', SAMPLES_DIR], io)).toBe(0);
  expect(out).toMatch(/5 files: 3 escalate, 2 auto_close, 0 auto_respond, 0 rejected/);
  out = '';
  expect(await run(['--json', 'backtest', SAMPLES_DIR, '--policy', join(__dirname, '..', '..', 'policy', 'example.yaml')], io)).toBe(0);
  const rows = JSON.parse(out) as Record<string, unknown>[];
  expect(rows).toHaveLength(5);
  for (const r of rows) {
    expect(Object.keys(r).sort()).toEqual(['disposition', 'file', 'format', 'reasons', 'score', 'verdict']);
    expect(['auto_close', 'escalate', 'auto_respond', 'rejected']).toContain(r.disposition);
  }
  out = '';
  expect(await run(['backtest', SAMPLES_DIR, '--policy', '/nonexistent.yaml'], io)).toBe(1);
  expect(out).toMatch(/error: .*nonexistent\.yaml/);
});
