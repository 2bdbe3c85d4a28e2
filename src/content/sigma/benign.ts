// Benign process events that generated rules must never match: documented admin usage
// (tldr-pages records in the corpus, or any JSON lines with a `command` and a `platform`).
import type { SigmaEvent } from './matcher';

export interface CommandRecord {
  command: string;
  platform?: string | string[];
}

/** tldr's `{{[-o|--output]}} {{path}}` placeholders: the short and the long spelling, placeholder text kept. */
function expandTldr(command: string): string[] {
  const pick = (which: 0 | 1) =>
    command
      .replace(/\{\{\[([^\]|]*)\|([^\]]*)\]\}\}/g, (_m, short: string, long: string) => (which === 0 ? short : long))
      .replace(/\{\{([^}]*)\}\}/g, '$1');
  return [...new Set([pick(0), pick(1)])];
}

const VERB_NOUN = /^[A-Z][a-z]+-[A-Z]/;

/** The image a command line starts: a Windows cmdlet runs in powershell.exe. */
function imageOf(command: string, windows: boolean): string {
  const first =
    command
      .trim()
      .split(/\s+/)[0]
      ?.replace(/^["']|["']$/g, '') ?? '';
  if (!windows) return first.includes('/') ? first : `/usr/bin/${first}`;
  if (VERB_NOUN.test(first)) return 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
  if (/^[a-z]:\\/i.test(first)) return first;
  return `C:\\Windows\\System32\\${/\.\w{3}$/.test(first) ? first : `${first}.exe`}`;
}

/** process_creation events for each record (both spellings of tldr's option placeholders). */
export function benignProcessEvents(records: CommandRecord[]): SigmaEvent[] {
  return records.flatMap((r) => {
    const platforms = Array.isArray(r.platform) ? r.platform : [r.platform ?? 'linux'];
    const windows = platforms.includes('windows');
    return expandTldr(r.command).map((command) => ({ CommandLine: command, Image: imageOf(command, windows) }));
  });
}

/** Parses JSON lines of command records (skipping blank lines). */
export function parseCommandRecords(jsonl: string): CommandRecord[] {
  return jsonl
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CommandRecord)
    .filter((r) => typeof r.command === 'string');
}
