// Known-benign explanations for an alert's processes: a process is explained when a curated
// entry (data/known-benign.ts) matches its image, exact arguments, path, signer, ancestry and
// its host's role. Structured fields only; linear work bounded per command line.
import type { Alert } from '../domain/alert';
import { KNOWN_BENIGN, type KnownBenignEntry } from './data/known-benign';

type Process = Alert['observables']['processes'][number];

const MAX_COMMAND_CHARS = 8192;

const baseName = (p: string | undefined) => p?.split(/[\\/]/).pop()?.toLowerCase();

/** The command line split into the program and the rest, whitespace collapsed. */
export function splitCommand(commandLine: string): { program: string; args: string } | undefined {
  if (commandLine.length > MAX_COMMAND_CHARS) return undefined;
  const text = commandLine.trim();
  const end = text.startsWith('"') ? text.indexOf('"', 1) + 1 : text.search(/\s|$/);
  if (end <= 0) return undefined;
  return { program: text.slice(0, end).replace(/"/g, ''), args: text.slice(end).trim().replace(/\s+/g, ' ') };
}

export interface KnownBenignMatch {
  entry: KnownBenignEntry;
  process: string;
}

export function matchEntry(entry: KnownBenignEntry, p: Process, hostRoles: ReadonlySet<string>): boolean {
  const image = baseName(p.path) ?? baseName(p.name) ?? (p.commandLine ? baseName(splitCommand(p.commandLine)?.program) : undefined);
  if (!image || !entry.image.test(image)) return false;
  if (entry.path && (!p.path || !entry.path.test(p.path))) return false;
  if (entry.signer && (!p.signer || !entry.signer.test(p.signer))) return false;
  if (entry.ancestorPath && !p.parents.some((a) => !!a.path && entry.ancestorPath!.test(a.path))) return false;
  if (entry.hostRole && !hostRoles.has(entry.hostRole)) return false;
  if (entry.args) {
    const cmd = p.commandLine ? splitCommand(p.commandLine) : undefined;
    if (!cmd || !entry.args.test(cmd.args)) return false;
  }
  return true;
}

/**
 * Which of the alert's processes a known-benign entry explains. `unexplained` counts the
 * processes with a command line or image that no entry explains: an alert is explained only
 * when that is zero.
 */
export function explainProcesses(
  processes: Process[],
  hostRoles: ReadonlySet<string>,
  table: KnownBenignEntry[] = KNOWN_BENIGN,
): { matches: KnownBenignMatch[]; unexplained: number } {
  const matches: KnownBenignMatch[] = [];
  let unexplained = 0;
  for (const p of processes.slice(0, 100)) {
    const entry = table.find((e) => matchEntry(e, p, hostRoles));
    if (entry) matches.push({ entry, process: p.commandLine?.slice(0, 200) ?? p.path ?? p.name ?? '?' });
    else unexplained += 1;
  }
  return { matches, unexplained };
}
