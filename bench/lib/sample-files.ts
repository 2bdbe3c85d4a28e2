// Real binaries to analyze: the machine's own executables and shared libraries (4 KiB to
// 8 MiB each, in name order, so a run on the same machine reads the same bytes), then the
// Temporal core bridge, until `maxBytes` are collected.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function sampleFiles(maxBytes: number): { name: string; bytes: Buffer }[] {
  const out: { name: string; bytes: Buffer }[] = [];
  let total = 0;
  const dirs = ['/usr/bin', '/usr/lib/x86_64-linux-gnu', join(__dirname, '..', '..', '..', 'node_modules', '@temporalio', 'core-bridge')];
  for (const dir of dirs) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const p = join(dir, n);
      try {
        const st = statSync(p);
        if (!st.isFile() || st.size < 4096 || st.size > 8 * 1024 * 1024) continue;
        const bytes = readFileSync(p);
        out.push({ name: n, bytes });
        total += bytes.length;
      } catch {
        /* unreadable: skip */
      }
      if (total >= maxBytes) return out;
    }
  }
  return out;
}
