// bench/hostile: each hostile input of issue 10 through its real entry point, in process, with
// the wall time and the longest event-loop stall while it ran (a 10 ms interval timer's largest
// lateness: synchronous work delays it by its own length). Goal: every input under 1 s of event-loop time, nothing kills the process.
// Figures, not assertions (test/hostile asserts behaviour).
//   npm run build && node dist/bench/hostile/run.js [--json] [--only NAME,NAME] [--skip NAME,NAME]
import { analyzeDocument } from '../../src/analyzers/documents';
import { analyzePowerShell } from '../../src/analyzers/powershell';
import { parseAlert } from '../../src/domain/alert';
import { extractObservables } from '../../src/domain/observables';
import { BodyError, normalizeBody } from '../../src/ingest/normalize';
import { DEFAULT_INGEST_LIMITS } from '../../src/api/ingest-limits';

const receivedAt = new Date().toISOString();
const BLOCKED_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Largest lateness (ms) of a 10 ms interval timer between start and stop. */
function stallProbe(): { stop(): number } {
  const PERIOD = 10;
  let last = process.hrtime.bigint();
  let worst = 0;
  const timer = setInterval(() => {
    const now = process.hrtime.bigint();
    worst = Math.max(worst, Number(now - last) / 1e6 - PERIOD);
    last = now;
  }, PERIOD);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(0, worst);
    },
  };
}

interface HostileInput {
  name: string;
  entry: string;
  run(): Promise<string>;
}

/** The API's parsing path: what POST /v1/alerts does before storing or starting anything. */
async function viaApiParsing(body: Uint8Array, format?: 'cef' | 'eml'): Promise<string> {
  try {
    const items = await normalizeBody(body, { receivedAt, format, maxItems: DEFAULT_INGEST_LIMITS.maxItemsPerRequest });
    return `${items.filter((i) => i.ok).length} ok / ${items.length} items`;
  } catch (err) {
    if (err instanceof BodyError) return `refused: ${err.message.slice(0, 70)}`;
    throw err;
  }
}

const eml = (body: string) =>
  Buffer.from(
    [
      'From: a@hostile.example',
      'To: soc@corp.example',
      'Subject: x',
      'Message-ID: <x@hostile.example>',
      'Date: Mon, 7 Dec 2026 10:00:00 +0000',
      'Content-Type: text/plain',
      '',
      body,
      '',
    ].join('\r\n'),
  );

const INPUTS: HostileInput[] = [
  {
    name: 'deep-json-10k',
    entry: 'normalizeBody (POST /v1/alerts)',
    run: () => viaApiParsing(Buffer.from(`{"kibana":${'['.repeat(10_000)}${']'.repeat(10_000)}}`)),
  },
  {
    name: 'eml-100k-dots',
    entry: 'normalizeBody (.eml)',
    run: () => viaApiParsing(eml(`see https://evil.example/x${'.'.repeat(100_000)}y and more`), 'eml'),
  },
  {
    name: 'cef-10mb-minimal-lines',
    entry: 'normalizeBody (CEF, API item limit)',
    run: () => {
      const line = 'CEF:0|a|b|1|x|y|1|\n';
      return viaApiParsing(Buffer.from(line.repeat(Math.floor((10 * 1024 * 1024) / line.length))));
    },
  },
  {
    name: 'nul-surrogate-proto-json',
    entry: 'normalizeBody (sanitising boundary)',
    run: () =>
      viaApiParsing(
        Buffer.from(
          JSON.stringify(
            Array.from({ length: 1000 }, (_, i) => ({
              source: 'edr',
              sourceId: `h-${i}`,
              time: receivedAt,
              title: `t\u0000${i}\ud800`,
              severity: 'low',
              description: 'x'.repeat(10_000),
            })),
          ).replace(/"title"/g, '"__proto__":{"a":1},"title"'),
        ),
      ),
  },
  {
    name: 'observables-3x32kb-url-commandlines',
    entry: 'extractObservables',
    run: async () => {
      const cl = `curl http://${'a.'.repeat(16_000)}x`;
      const alert = parseAlert({
        source: 'edr',
        sourceId: 'x',
        time: receivedAt,
        title: 't',
        severity: 'low',
        observables: { processes: [cl, `${cl}1`, `${cl}2`].map((commandLine) => ({ commandLine })) },
      });
      const set = extractObservables(alert);
      return `${set.urls.length} urls, ${set.emails.length} emails`;
    },
  },
  {
    name: 'pdf-1mb-js-hex',
    entry: 'analyzeDocument (PDF)',
    run: async () => {
      const body = '/JS <'.repeat(Math.floor((1024 * 1024) / 5));
      const report = await analyzeDocument(Buffer.from(`%PDF-1.7\n1 0 obj\n<< ${body} >>\nendobj\n%%EOF\n`), 'hostile.pdf');
      return `${report.kind}, ${report.findings.length} findings`;
    },
  },
  {
    name: 'powershell-50x6000-term-concat',
    entry: 'analyzePowerShell',
    run: async () => {
      const concat = Array.from({ length: 6000 }, (_, i) => `'p${i % 10}'`).join('+');
      const f = await analyzePowerShell(Array.from({ length: 50 }, (_, i) => `powershell -c "$a${i} = ${concat}; iex $a${i}"`));
      return `score ${f.score}${f.error ? ` error ${f.error.slice(0, 40)}` : ''}`;
    },
  },
];

async function main() {
  const pick = (flag: string) => (process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1].split(',') : undefined);
  const only = pick('--only');
  const skip = pick('--skip') ?? [];
  const rows = [];
  for (const input of INPUTS.filter((i) => (!only || only.includes(i.name)) && !skip.includes(i.name))) {
    const probe = stallProbe();
    await sleep(30);
    const t = process.hrtime.bigint();
    let outcome: string;
    try {
      outcome = await input.run();
    } catch (err) {
      outcome = `threw ${(err as Error).name}: ${(err as Error).message.slice(0, 60)}`;
    }
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    await sleep(30);
    const maxStallMs = probe.stop();
    const row = {
      input: input.name,
      entry: input.entry,
      ms: Math.round(ms),
      maxStallMs: Math.round(maxStallMs),
      blocked: maxStallMs > BLOCKED_MS,
      outcome,
    };
    rows.push(row);
    // One line as each input finishes: a slow analyzer must not hide the figures before it.
    if (!process.argv.includes('--json')) console.log(JSON.stringify(row));
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
  else console.table(rows.map(({ entry: _entry, ...r }) => r));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
