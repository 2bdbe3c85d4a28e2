// bench/triage: triage quality and backtest throughput. The devset (../shared/devset, with the
// Fenwick context policy in test/fixtures/policy) per format: threats escalated, benign
// auto-closed, hostile inputs handled (rejected or never auto-closed); the public corpus' eml
// phishing and ham; and alerts triaged per second by the backtest (same run, same machine).
//   npm run bench:triage [-- --json]     (AUTOSOC_DEVSET, AUTOSOC_CORPUS override the folders)
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { backtest, type BacktestRow } from '../../src/backtest/backtest';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { sharedAnalyzerPool } from '../../src/investigation/analyzer-pool';
import { offlinePlan } from '../../src/investigation/default-plan';
import { loadPolicy } from '../../src/policy/load-policy';

const REPO = resolve(__dirname, '..', '..', '..');
const DEVSET = process.env.AUTOSOC_DEVSET ?? resolve(REPO, '..', 'shared', 'devset');
const CORPUS = process.env.AUTOSOC_CORPUS ?? resolve(REPO, '..', 'shared', 'corpus');

type Tally = { threats: [number, number]; benign: [number, number]; hostile: [number, number] };

function tally(rows: BacktestRow[], label: (file: string) => string | undefined): Record<string, Tally> {
  const out: Record<string, Tally> = {};
  for (const r of rows) {
    const l = label(r.file);
    if (!l) continue;
    for (const key of [r.format, 'total']) {
      const t = (out[key] ??= { threats: [0, 0], benign: [0, 0], hostile: [0, 0] });
      if (l === 'malicious') {
        t.threats[1] += 1;
        if (r.disposition === 'escalate' || r.disposition === 'auto_respond') t.threats[0] += 1;
      }
      if (l === 'benign') {
        t.benign[1] += 1;
        if (r.disposition === 'auto_close') t.benign[0] += 1;
      }
      if (l === 'malformed') {
        t.hostile[1] += 1;
        if (r.disposition !== 'auto_close') t.hostile[0] += 1;
      }
    }
  }
  return out;
}

async function main() {
  const json = process.argv.includes('--json');
  const plan = offlinePlan({ runner: sharedAnalyzerPool() });
  const labels = new Map(
    readFileSync(resolve(DEVSET, 'labels.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { file: string; label: string })
      .map((l) => [l.file, l.label]),
  );
  const policy = loadPolicy([resolve(REPO, 'test', 'fixtures', 'policy', 'fenwick.yaml')]);

  let alerts = 0;
  const started = process.hrtime.bigint();
  const dev = await backtest(DEVSET, policy, plan);
  const phishing = await backtest(resolve(CORPUS, 'eml', 'phishing'), DEFAULT_POLICY, plan);
  const ham = await backtest(resolve(CORPUS, 'eml', 'benign'), DEFAULT_POLICY, plan);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  alerts = dev.length + phishing.length + ham.length;

  const devset = tally(dev, (f) => labels.get(basename(f)));
  const corpus = tally(
    [...phishing.map((r) => ({ ...r, file: `p/${r.file}` })), ...ham.map((r) => ({ ...r, file: `b/${r.file}` }))],
    (f) => (f.startsWith('p/') ? 'malicious' : 'benign'),
  );
  const result = {
    devset,
    corpus,
    alerts,
    seconds: Math.round(seconds * 100) / 100,
    alertsPerSecond: Math.round((alerts / seconds) * 10) / 10,
  };
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  const f = ([a, b]: [number, number]) => (b ? `${a}/${b}` : '-');
  for (const [name, t] of [
    ['devset (Fenwick policy)', devset],
    ['corpus eml (default policy)', corpus],
  ] as const) {
    console.log(`${name}\n  format   threats escalated  benign auto-closed  hostile handled`);
    for (const [k, v] of Object.entries(t))
      console.log(`  ${k.padEnd(8)} ${f(v.threats).padStart(17)}  ${f(v.benign).padStart(18)}  ${f(v.hostile).padStart(15)}`);
  }
  console.log(`backtest throughput: ${alerts} files in ${result.seconds} s = ${result.alertsPerSecond} alerts/s`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
