// bench/analyzers: throughput of the whole static pipeline (file-static, documents, YARA,
// ssdeep + TLSH) against plain sha256 of the same bytes, measured in the same run.
//   npm run build && node dist/bench/analyzers/run.js [--mb 64] [--json]
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument, sniffDocument } from '../../src/analyzers/documents';
import { analyzeFileStatic } from '../../src/analyzers/file';
import { similarityHashes } from '../../src/analyzers/similarity/analyze';
import { getYaraScanner, scanWithYara } from '../../src/analyzers/yara';

function sample(maxBytes: number): { name: string; bytes: Buffer }[] {
  const out: { name: string; bytes: Buffer }[] = [];
  let total = 0;
  const dirs = ['/usr/bin', '/usr/lib/x86_64-linux-gnu', join(__dirname, '..', '..', '..', 'node_modules', '@temporalio', 'core-bridge')];
  for (const dir of dirs) {
    let names: string[] = [];
    try { names = readdirSync(dir).sort(); } catch { continue; }
    for (const n of names) {
      const p = join(dir, n);
      try {
        const st = statSync(p);
        if (!st.isFile() || st.size < 4096 || st.size > 8 * 1024 * 1024) continue;
        const bytes = readFileSync(p);
        out.push({ name: n, bytes });
        total += bytes.length;
      } catch { /* unreadable: skip */ }
      if (total >= maxBytes) return out;
    }
  }
  return out;
}

async function main() {
  const mbArg = process.argv.indexOf('--mb');
  const maxBytes = (mbArg > 0 ? Number(process.argv[mbArg + 1]) : 64) * 1024 * 1024;
  const files = sample(maxBytes);
  const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
  const yara = getYaraScanner([]);

  let t = process.hrtime.bigint();
  for (const f of files) createHash('sha256').update(f.bytes).digest('hex');
  const shaSeconds = Number(process.hrtime.bigint() - t) / 1e9;

  const stages: Record<string, number> = { 'file-static': 0, documents: 0, yara: 0, 'ssdeep+tlsh': 0 };
  t = process.hrtime.bigint();
  for (const f of files) {
    let s = process.hrtime.bigint();
    analyzeFileStatic(f.bytes, f.name);
    stages['file-static'] += Number(process.hrtime.bigint() - s) / 1e9;
    s = process.hrtime.bigint();
    if (sniffDocument(f.bytes) !== 'unknown') await analyzeDocument(f.bytes, f.name);
    stages.documents += Number(process.hrtime.bigint() - s) / 1e9;
    s = process.hrtime.bigint();
    scanWithYara(f.bytes, yara, { fileName: f.name });
    stages.yara += Number(process.hrtime.bigint() - s) / 1e9;
    s = process.hrtime.bigint();
    similarityHashes(f.bytes);
    stages['ssdeep+tlsh'] += Number(process.hrtime.bigint() - s) / 1e9;
  }
  const pipelineSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const mb = bytes / 1024 / 1024;
  const result = {
    files: files.length, megabytes: Number(mb.toFixed(1)),
    sha256MBps: Number((mb / shaSeconds).toFixed(1)),
    pipelineMBps: Number((mb / pipelineSeconds).toFixed(2)),
    ratioToSha256: Number((shaSeconds / pipelineSeconds).toFixed(4)),
    stageSeconds: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Number(v.toFixed(2))])),
  };
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(`static pipeline over ${result.files} files, ${result.megabytes} MB (machine binaries and shared libraries)`);
    console.log(`  sha256 only        ${result.sha256MBps.toString().padStart(8)} MB/s   (baseline, same bytes, same run)`);
    console.log(`  whole pipeline     ${result.pipelineMBps.toString().padStart(8)} MB/s   ratio to sha256: ${result.ratioToSha256}`);
    for (const [k, v] of Object.entries(result.stageSeconds)) console.log(`    ${k.padEnd(14)} ${v.toFixed(2)} s  (${(mb / v).toFixed(1)} MB/s)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
