// Confirmed incidents built from the corpus's public attack command lines (Atomic Red Team,
// LOLBAS): one alert per command, the process as the command's executor would start it.
import { readFileSync } from 'node:fs';
import { parseAlert } from '../../src/domain/alert';
import { ConfirmedIncident } from '../../src/content/incident';
import { benignProcessEvents, parseCommandRecords } from '../../src/content/sigma/benign';
import { corpusPath } from '../helpers/corpus';

interface AttackRecord {
  command: string;
  platform: string[];
  executor?: string;
  technique: string;
  test_name?: string;
  source: string;
}

const EXECUTOR_IMAGE: Record<string, string> = {
  powershell: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  command_prompt: 'C:\\Windows\\System32\\cmd.exe',
  sh: '/bin/sh',
  bash: '/bin/bash',
};
const PARENT: Record<string, string> = {
  windows: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
  linux: '/usr/sbin/apache2',
};

export function attackRecords(): AttackRecord[] {
  return readFileSync(corpusPath('commands', 'malicious_commands.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AttackRecord);
}

export function benignEvents() {
  return benignProcessEvents(parseCommandRecords(readFileSync(corpusPath('commands', 'admin_commands_tldr.jsonl'), 'utf8')));
}

/** Every `step`-th single-line ART command run by a known executor, as a malicious incident. */
export function corpusIncidents(step: number): ConfirmedIncident[] {
  const records = attackRecords().filter(
    (r) => r.executor && EXECUTOR_IMAGE[r.executor] && !r.command.includes('\n') && r.command.length < 400,
  );
  return records
    .filter((_r, i) => i % step === 0)
    .map((r, i) => {
      const platform = r.platform.includes('windows') ? 'windows' : 'linux';
      const alert = parseAlert({
        source: 'edr',
        sourceId: `art-${i}`,
        time: '2026-12-01T10:00:00Z',
        title: r.test_name ?? r.technique,
        severity: 'high',
        attackTechniques: [r.technique],
        observables: {
          hosts: [{ hostname: 'ws-0142.corp.example', ip: '10.20.30.40' }],
          users: [{ name: 'jdoe', domain: 'CORP' }],
          processes: [
            { path: EXECUTOR_IMAGE[r.executor!], commandLine: r.command, user: 'CORP\\jdoe', parents: [{ path: PARENT[platform] }] },
          ],
        },
      });
      return ConfirmedIncident.parse({
        id: `alert:edr:art-${i}`,
        alerts: [alert],
        verdict: 'malicious',
        confirmedAt: '2026-12-01T11:00:00Z',
        references: [`https://autosoc.example.org/v1/alerts/alert%3Aedr%3Aart-${i}`],
      });
    });
}
