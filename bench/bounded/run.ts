// bench/bounded: the speed that the "stays bounded on hostile input" tests used to assert with
// a clock. Each case times the hostile input against a benign input of the same size through the
// same function, in the same run, and prints the ratio (hostile / benign): a figure, never a test.
//   npm run bench:bounded [-- --repeat 3] [--json]
import { analyzeFileStatic } from '../../src/analyzers/file';
import { parseAuthenticationResults } from '../../src/analyzers/email/auth-results';
import { analyzeIps } from '../../src/analyzers/ip';
import { analyzeLolbins } from '../../src/analyzers/lolbins';
import { analyzeProcessTree } from '../../src/analyzers/process-tree';
import { analyzeUrls } from '../../src/analyzers/url';
import { parseSyslogLine, SyslogStreamDeframer } from '../../src/ingest/formats/syslog';

interface Case {
  name: string;
  hostile: () => unknown;
  benign: () => unknown;
}

const trickle = (text: string) => () => {
  const d = new SyslogStreamDeframer({ maxMessageSize: 512 * 1024 });
  const body = Buffer.from(text);
  for (let i = 0; i < body.length; i++) d.push(body.subarray(i, i + 1));
};
const hostileUrls = Array.from(
  { length: 600 },
  (_, i) => `http://${'a-'.repeat(30)}${i}.example.com/${'%41'.repeat(2000)}?email=${'x'.repeat(60)}@a.b#${'A'.repeat(400)}`,
);
const benignUrls = hostileUrls.map((u, i) => `https://docs${i}.example.com/${'p'.repeat(u.length - 30)}`);
const procs = (cmd: string) =>
  Array.from({ length: 1000 }, () => ({
    name: 'cmd.exe',
    commandLine: cmd,
    parents: Array.from({ length: 500 }, () => ({ name: 'WINWORD.EXE' })),
  }));

const CASES: Case[] = [
  {
    name: 'file: 50 MB of zeros vs 50 MB of text',
    hostile: () => analyzeFileStatic(new Uint8Array(50 << 20), 'zeros.bin'),
    benign: () => analyzeFileStatic(new Uint8Array(50 << 20).fill(0x61), 'a.txt'),
  },
  {
    name: 'syslog: 300 KB trickled byte by byte vs one push',
    hostile: trickle(`${'x'.repeat(300_000)}\n`),
    benign: () => new SyslogStreamDeframer({ maxMessageSize: 512 * 1024 }).push(Buffer.from(`${'x'.repeat(300_000)}\n`)),
  },
  {
    name: 'syslog: adversarial structured data vs plain message',
    hostile: () => parseSyslogLine(`<13>1 - - - - - [a${' b="'.repeat(20_000)}`),
    benign: () => parseSyslogLine(`<13>1 - - - - - - ${'b'.repeat(80_000)}`),
  },
  {
    name: 'url: 600 long hostile URLs vs plain ones',
    hostile: () =>
      analyzeUrls(
        hostileUrls,
        hostileUrls.map((u) => new URL(u).hostname),
      ),
    benign: () =>
      analyzeUrls(
        benignUrls,
        benignUrls.map((u) => new URL(u).hostname),
      ),
  },
  {
    name: 'ip: 5000 addresses vs 500',
    hostile: () => analyzeIps(Array.from({ length: 5000 }, (_, i) => `11.0.${(i >> 8) & 255}.${i & 255}`)),
    benign: () => analyzeIps(Array.from({ length: 500 }, (_, i) => `11.0.${(i >> 8) & 255}.${i & 255}`)),
  },
  {
    name: 'process tree: 1000 × 30 KB command lines vs short ones',
    hostile: () => analyzeProcessTree(procs('x'.repeat(30_000))),
    benign: () => analyzeProcessTree(procs('x')),
  },
  {
    name: 'lolbins: repeated switches vs plain command lines',
    hostile: () => analyzeLolbins([`findstr ${'/v /l '.repeat(10_000)}`]),
    benign: () => analyzeLolbins([`findstr ${'a'.repeat(60_000)}`]),
  },
  {
    name: 'auth-results: 5000 results vs 60',
    hostile: () =>
      parseAuthenticationResults(`mx; ${Array.from({ length: 5000 }, (_, i) => `dkim=pass header.d=d${i}.example`).join('; ')}`),
    benign: () => parseAuthenticationResults(`mx; ${Array.from({ length: 60 }, (_, i) => `dkim=pass header.d=d${i}.example`).join('; ')}`),
  },
];

function seconds(fn: () => unknown, repeat: number): number {
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return best;
}

function main() {
  const r = process.argv.indexOf('--repeat');
  const repeat = r > 0 ? Number(process.argv[r + 1]) : 3;
  const results = CASES.map((c) => {
    const benign = seconds(c.benign, repeat),
      hostile = seconds(c.hostile, repeat);
    return {
      case: c.name,
      benignMs: +(benign * 1000).toFixed(1),
      hostileMs: +(hostile * 1000).toFixed(1),
      ratio: +(hostile / benign).toFixed(2),
    };
  });
  if (process.argv.includes('--json')) return console.log(JSON.stringify({ bench: 'hostile', repeat, results }));
  for (const x of results)
    console.log(
      `${x.ratio.toFixed(2).padStart(8)}×  ${String(x.hostileMs).padStart(8)} ms vs ${String(x.benignMs).padStart(8)} ms  ${x.case}`,
    );
}

main();
