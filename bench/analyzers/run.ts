// bench/analyzers: throughput of the whole static pipeline (file-static, documents, YARA,
// ssdeep + TLSH) against plain sha256 of the same bytes, measured in the same run; then ssdeep
// and TLSH alone over the same bytes, to tell which of the two fuzzy hashes costs what.
//   npm run build && node dist/bench/analyzers/run.js [--mb 64] [--json] [--no-pool]
import { createHash } from 'node:crypto';
import { analyzeDocument, sniffDocument } from '../../src/analyzers/documents';
import { analyzeFileStatic } from '../../src/analyzers/file';
import { similarityHashes } from '../../src/analyzers/similarity/analyze';
import { ssdeepHash } from '../../src/analyzers/similarity/ssdeep';
import { TLSH_MAX_INPUT_BYTES, tlshHash } from '../../src/analyzers/similarity/tlsh';
import { getYaraScanner, scanWithYara } from '../../src/analyzers/yara';
import { sampleFiles } from '../lib/sample-files';
import { threadPoolFigures } from './thread-pool';

async function main() {
  const mbArg = process.argv.indexOf('--mb');
  const maxBytes = (mbArg > 0 ? Number(process.argv[mbArg + 1]) : 64) * 1024 * 1024;
  const files = sampleFiles(maxBytes);
  const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
  const yara = getYaraScanner([]);

  // CPU seconds beside wall seconds: on a shared, loaded machine the wall clock mostly measures
  // the neighbours; CPU time is what the code costs (sha256's ratio uses the same measure).
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let cpu = cpuNow();
  let t = process.hrtime.bigint();
  for (const f of files) createHash('sha256').update(f.bytes).digest('hex');
  const shaSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const shaCpu = cpuNow() - cpu;

  const stages: Record<string, number> = { 'store sha256': 0, 'file-static': 0, documents: 0, yara: 0, 'ssdeep+tlsh': 0 };
  const stagesCpu: Record<string, number> = { ...stages };
  const timed = async (stage: string, work: () => unknown) => {
    const c = cpuNow();
    const s = process.hrtime.bigint();
    await work();
    stages[stage] += Number(process.hrtime.bigint() - s) / 1e9;
    stagesCpu[stage] += cpuNow() - c;
  };
  cpu = cpuNow();
  t = process.hrtime.bigint();
  for (const f of files) {
    // As in the investigation: the evidence store's sha256 (its key) is taken once and handed to
    // the analyzers, so neither hashes the bytes with it again. Counted here, to be conservative.
    let sha256 = '';
    await timed('store sha256', () => {
      sha256 = createHash('sha256').update(f.bytes).digest('hex');
    });
    await timed('file-static', () => analyzeFileStatic(f.bytes, f.name, { sha256 }));
    await timed('documents', () => (sniffDocument(f.bytes) !== 'unknown' ? analyzeDocument(f.bytes, f.name) : undefined));
    await timed('yara', () => scanWithYara(f.bytes, yara, { fileName: f.name }));
    await timed('ssdeep+tlsh', () => similarityHashes(f.bytes, undefined, sha256));
  }
  const pipelineSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const pipelineCpu = cpuNow() - cpu;

  // Each fuzzy hash alone (similarityHashes also does the catalogue's bookkeeping, so these two don't add up to it).
  cpu = cpuNow();
  for (const f of files) ssdeepHash(f.bytes);
  const ssdeepSeconds = cpuNow() - cpu;
  cpu = cpuNow();
  for (const f of files) if (f.bytes.length <= TLSH_MAX_INPUT_BYTES) tlshHash(f.bytes);
  const tlshSeconds = cpuNow() - cpu;

  const mb = bytes / 1024 / 1024;
  const result = {
    files: files.length,
    megabytes: Number(mb.toFixed(1)),
    sha256MBps: Number((mb / shaSeconds).toFixed(1)),
    pipelineMBps: Number((mb / pipelineSeconds).toFixed(2)),
    ratioToSha256: Number((shaSeconds / pipelineSeconds).toFixed(4)),
    sha256CpuMBps: Number((mb / shaCpu).toFixed(1)),
    pipelineCpuMBps: Number((mb / pipelineCpu).toFixed(2)),
    cpuRatioToSha256: Number((shaCpu / pipelineCpu).toFixed(4)),
    /** Without YARA-X (a separate engine with its own rule set): the analyzers of the goal (bench/README.md). */
    cpuRatioWithoutYara: Number((shaCpu / (pipelineCpu - stagesCpu.yara)).toFixed(4)),
    stageSeconds: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Number(v.toFixed(2))])),
    stageCpuSeconds: Object.fromEntries(Object.entries(stagesCpu).map(([k, v]) => [k, Number(v.toFixed(2))])),
    /** CPU seconds of each fuzzy hash alone. */
    aloneCpuSeconds: { ssdeep: Number(ssdeepSeconds.toFixed(2)), tlsh: Number(tlshSeconds.toFixed(2)) },
    threadPool: process.argv.includes('--no-pool') ? undefined : await threadPoolFigures(files),
  };
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(`static pipeline over ${result.files} files, ${result.megabytes} MB (machine binaries and shared libraries)`);
    console.log(`  sha256 only        ${result.sha256MBps.toString().padStart(8)} MB/s   (baseline, same bytes, same run)`);
    console.log(`  whole pipeline     ${result.pipelineMBps.toString().padStart(8)} MB/s   ratio to sha256: ${result.ratioToSha256}`);
    for (const [k, v] of Object.entries(result.stageSeconds))
      console.log(`    ${k.padEnd(14)} ${v.toFixed(2)} s  (${(mb / v).toFixed(1)} MB/s)`);
    console.log(
      `  by CPU time: sha256 ${result.sha256CpuMBps} MB/s, pipeline ${result.pipelineCpuMBps} MB/s, ratio ${result.cpuRatioToSha256} (without YARA-X ${result.cpuRatioWithoutYara})`,
    );
    for (const [k, v] of Object.entries(result.stageCpuSeconds))
      console.log(`    ${k.padEnd(14)} ${v.toFixed(2)} s CPU  (${(mb / v).toFixed(1)} MB/s)`);
    console.log('  each fuzzy hash alone, same bytes, CPU time');
    for (const [k, v] of Object.entries(result.aloneCpuSeconds))
      console.log(`    ${k.padEnd(14)} ${v.toFixed(2)} s  (${(mb / v).toFixed(1)} MB/s)`);
    const p = result.threadPool;
    if (!p) return;
    console.log('  analyzer thread pool (one reused thread) vs the same task in-process, same run');
    console.log(
      `    ${p.smallCalls} command-line calls  in-process ${p.smallInProcessMsPerCall} ms/call, pool ${p.smallPoolMsPerCall} ms/call: +${p.smallOverheadMsPerCall} ms/call`,
    );
    console.log(
      `    file-static over the files  in-process ${p.fileStaticInProcessSeconds} s, pool ${p.fileStaticPoolSeconds} s: ratio ${p.fileStaticRatio}`,
    );
    console.log(`    a fresh thread per call     ${p.freshThreadMsPerCall} ms/call: ${p.freshThreadToReusedRatio}× a reused thread's call`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
