// Parses the table Falcon RTR `ps` prints on Windows (PowerShell Get-Process style):
//   Name   Id Start Time (UTC-7)   WorkingMemory(kb) CPU(s) HandleCount Path
//   ----   -- ------------------   ----------------- ------ ----------- ----
//   conhost 2216 4/8/2025 12:14:21 PM       5,612   0.05          93 C:\Windows\system32\conhost.exe
// Names may hold spaces, so a row is matched from its pid and start time, not by splitting.
import type { ProcessEntry } from './types';

const MAX_PROCESSES = 5_000;
const MAX_LINE = 4_096;
const FULL_ROW = /^(.+?)\s+(\d{1,10})\s+(\d{1,2}\/\d{1,2}\/\d{4}\s+\d{1,2}:\d{2}:\d{2}(?:\s*[AP]M)?)\s+[\d,.]+\s+[\d,.]+\s+\d+\s*(.*)$/;
const SHORT_ROW = /^(.+?)\s+(\d{1,10})(?:\s+(.*))?$/;
const PATH = /(?:[A-Za-z]:\\|\\\\|\/).*$/;

export function parsePsOutput(stdout: string): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  for (const raw of stdout.split(/\r?\n/)) {
    if (out.length >= MAX_PROCESSES) break;
    const line = raw.slice(0, MAX_LINE).trimEnd();
    if (!line.trim() || /^\s*-{2,}/.test(line) || /^\s*Name\s+Id\b/.test(line)) continue;
    const full = FULL_ROW.exec(line.trim());
    if (full) {
      out.push({ name: full[1], pid: Number(full[2]), startTime: full[3].replace(/\s+/g, ' '), ...(full[4] ? { path: full[4] } : {}) });
      continue;
    }
    const short = SHORT_ROW.exec(line.trim());
    if (!short) continue;
    const path = short[3] ? PATH.exec(short[3])?.[0] : undefined;
    out.push({ name: short[1], pid: Number(short[2]), ...(path ? { path } : {}) });
  }
  return out;
}
