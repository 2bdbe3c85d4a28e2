// Wazuh alerts: one line of the manager's alerts.json, or the same document as the Wazuh
// indexer returns it in a search hit ({_id, _index, _source}).
import type { AlertInput, Severity } from '../../domain/alert';
import {
  attackIds,
  basename,
  clip,
  compact,
  countryCode,
  emptyObservables,
  finishObservables,
  first,
  hashes,
  int,
  isObject,
  isoTime,
  num,
  port,
  str,
  strs,
  unwrapHit,
  type Observables,
} from './fields';
import { confidenceOf, findingTypeOf, outcomeOf, semantics } from './semantics';
import { keepOriginal, NormalizeError, type MapContext, type Normalized } from './types';

/** A `rule` object with a numeric `level` is Wazuh's mark; ECS and OCSF have no rule.level. */
export function detectWazuh(doc: unknown): boolean {
  const { source } = unwrapHit(doc);
  if (!isObject(source) || !isObject(source.rule)) return false;
  if (source.class_uid !== undefined || first(source, 'event.kind') !== undefined) return false;
  const level = source.rule.level;
  return typeof level === 'number' || (typeof level === 'string' && /^\d+$/.test(level));
}

/** Rule levels 0-15: 0-3 informational, 4-6 low, 7-9 medium, 10-12 high, 13-15 critical. */
export function wazuhSeverity(level: number): Severity {
  return level >= 13 ? 'critical' : level >= 10 ? 'high' : level >= 7 ? 'medium' : level >= 4 ? 'low' : 'informational';
}

/** Sysmon's `Hashes` field: "SHA1=…,MD5=…,SHA256=…,IMPHASH=…". */
function sysmonHashes(field: string | undefined) {
  const byKind = new Map(
    (field ?? '').split(',').map((kv) => {
      const [k, v] = kv.split('=');
      return [k?.trim().toLowerCase(), v] as const;
    }),
  );
  return hashes(byKind.get('md5'), byKind.get('sha1'), byKind.get('sha256'));
}

const MAX_EXECVE_ARGS = 64;

/**
 * The auditd decoder's EXECVE record (data.audit: exe, execve.a0..aN, pid, ppid): the
 * program and its arguments as the kernel ran them, so command-line analyzers and the
 * known-benign table judge what ran, not the alert's log text.
 */
function auditExecve(a: unknown): Observables['processes'][number] | undefined {
  const audit = first(a, 'data.audit');
  const exe = str(audit, 'exe');
  const execve = first(audit, 'execve');
  const args: string[] = [];
  for (let i = 0; i < MAX_EXECVE_ARGS; i++) {
    const arg = str(execve, `a${i}`);
    if (arg === undefined) break;
    args.push(/[\s"]/.test(arg) ? `"${arg.replace(/"/g, '\\"')}"` : arg);
  }
  if (!exe && args.length === 0) return undefined;
  const ppid = int(num(audit, 'ppid'));
  return {
    pid: int(num(audit, 'pid')),
    path: exe,
    name: basename(exe) ?? basename(str(audit, 'command')),
    commandLine: args.length ? clip(args.join(' '), 32_768) : undefined,
    parents: ppid === undefined ? [] : [{ pid: ppid }],
  };
}

const MAX_TASK_XML = 64 * 1024;
const MAX_TASK_ACTIONS = 4;
const xmlText = (s: string) =>
  s.replace(/&(quot|amp|lt|gt|apos);/g, (_, e: string) => ({ quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" })[e]!).trim();

/**
 * The actions of a task that Security event 4698/4702 registered (eventdata.taskContent, the
 * task's XML): each <Exec> Command + Arguments, as a process of what the task will run, so
 * command-line analyzers and the known-benign table judge the action, not the task's name.
 * Linear scan of a bounded string; [^<] keeps each match inside one element.
 */
function scheduledTaskActions(ev: unknown, user: string | undefined): Observables['processes'] {
  const xml = str(ev, 'taskContent')?.slice(0, MAX_TASK_XML);
  if (!xml) return [];
  const out: Observables['processes'] = [];
  for (const m of xml.matchAll(/<Command>([^<]{1,4096})<\/Command>\s*(?:<Arguments>([^<]{0,8192})<\/Arguments>)?/g)) {
    const command = xmlText(m[1]);
    const args = m[2] ? xmlText(m[2]) : '';
    const quoted = /\s/.test(command) ? `"${command}"` : command;
    out.push({ path: command, name: basename(command), commandLine: clip(args ? `${quoted} ${args}` : quoted, 32_768), user, parents: [] });
    if (out.length >= MAX_TASK_ACTIONS) break;
  }
  return out;
}

function observables(a: unknown): Observables {
  const o = emptyObservables();
  const host = compact({ hostname: str(a, 'agent.name'), ip: str(a, 'agent.ip') });
  if (host) o.hosts.push(host);

  // Windows events (data.win.eventdata) name users with a separate domain.
  const ev = first(a, 'data.win.eventdata');
  const users: [string | undefined, string | undefined][] = [
    [str(a, 'data.srcuser'), undefined],
    [str(a, 'data.dstuser'), undefined],
    [str(ev, 'subjectUserName'), str(ev, 'subjectDomainName')],
    [str(ev, 'targetUserName'), str(ev, 'targetDomainName')],
    // FIM who-data: the login user is who really made the change (effective user is often root).
    [str(a, 'syscheck.audit.login_user.name'), undefined],
    [str(a, 'syscheck.audit.effective_user.name'), undefined],
  ];
  for (const [name, domain] of users) if (name && name !== '-') o.users.push({ name, domain });

  // Windows logon events (4624/4625/4648/4776) name the remote address in eventdata.ipAddress,
  // Sysmon network events in sourceIp/destinationIp; "-" and loopback mean "no remote".
  const remote = (v: string | undefined) =>
    v && v !== '-' && !/^(?:127\.|::1$|::ffff:127\.)/.test(v) ? v.replace(/^::ffff:/, '') : undefined;
  const srcIp = str(a, 'data.srcip') ?? remote(str(ev, 'ipAddress', 'sourceIp')),
    dstIp = str(a, 'data.dstip') ?? remote(str(ev, 'destinationIp'));
  if (srcIp || dstIp) {
    o.network.push({
      srcIp,
      srcPort: port(num(a, 'data.srcport') ?? num(ev, 'ipPort') ?? num(ev, 'sourcePort')),
      dstIp,
      dstPort: port(num(a, 'data.dstport') ?? num(ev, 'destinationPort')),
      protocol: str(a, 'data.protocol'),
      // Wazuh's GeoIP enrichment names the country (GeoLocation.country_name), not its code.
      srcCountry: countryCode(str(a, 'GeoLocation.country_name')),
    });
  }

  const fimPath = str(a, 'syscheck.path');
  if (fimPath) {
    o.files.push({
      path: fimPath,
      name: basename(fimPath),
      size: int(num(a, 'syscheck.size_after')),
      hashes: hashes(str(a, 'syscheck.md5_after'), str(a, 'syscheck.sha1_after'), str(a, 'syscheck.sha256_after')),
    });
  }
  const auditProc = str(a, 'syscheck.audit.process.name');
  if (auditProc) {
    const ppid = int(num(a, 'syscheck.audit.process.ppid'));
    o.processes.push({
      pid: int(num(a, 'syscheck.audit.process.id')),
      path: auditProc,
      name: basename(auditProc),
      parents: ppid === undefined ? [] : [{ pid: ppid }],
    });
  }

  const exec = auditExecve(a);
  if (exec) o.processes.push(exec);

  if (ev) {
    // Sysmon names them image/parentImage; Security event 4688 newProcessName/parentProcessName.
    const image = str(ev, 'image', 'newProcessName'),
      parentImage = str(ev, 'parentImage', 'parentProcessName');
    const proc = compact({
      pid: int(num(ev, 'processId')),
      path: image,
      name: basename(image),
      commandLine: clip(str(ev, 'commandLine'), 32_768),
      hashes: sysmonHashes(str(ev, 'hashes')),
      user: str(ev, 'user'),
    });
    const parent = compact({
      pid: int(num(ev, 'parentProcessId')),
      path: parentImage,
      name: basename(parentImage),
      commandLine: clip(str(ev, 'parentCommandLine'), 32_768),
    });
    if (proc || parent) o.processes.push({ ...proc, parents: parent ? [parent] : [] });
    o.processes.push(...scheduledTaskActions(ev, str(ev, 'subjectUserName')));
    const target = str(ev, 'targetFilename');
    if (target) o.files.push({ path: target, name: basename(target) });
    o.domains.push(...strs(ev, 'queryName'));
  }
  return finishObservables(o);
}

export function mapWazuh(doc: unknown, ctx: MapContext): Normalized {
  const { source: a } = unwrapHit(doc);
  const ruleId = str(a, 'rule.id');
  const title = str(a, 'rule.description');
  if (!title) throw new NormalizeError('wazuh', `alert has no rule.description (rule ${ruleId ?? '?'})`);
  const sourceId = str(a, 'id');
  if (!sourceId) throw new NormalizeError('wazuh', `alert has no "id" (rule ${ruleId ?? '?'} "${title}")`);
  const level = num(a, 'rule.level') ?? 0;

  const { raw, evidence } = keepOriginal(doc);
  const alert: AlertInput = {
    source: 'wazuh',
    sourceId: clip(sourceId, 256)!,
    time: isoTime(first(a, 'timestamp')) ?? isoTime(first(a, '@timestamp')) ?? ctx.receivedAt,
    title: clip(title, 512)!,
    description: clip(str(a, 'full_log'), 16_384),
    severity: wazuhSeverity(level),
    product: { name: 'Wazuh', vendor: 'Wazuh' },
    rule: { id: clip(ruleId, 256), name: clip(title, 512) },
    attackTechniques: attackIds(strs(a, 'rule.mitre.id')),
    observables: observables(a),
    // rule.groups is Wazuh's own classification (vulnerability-detector, sca, virus …); the
    // ClamAV decoder puts the signature name in data.extra_data, the file name elsewhere.
    semantics: semantics({
      outcome: outcomeOf(str(a, 'data.alert.action'), str(a, 'data.action')),
      sourceConfidence: confidenceOf(level, 15),
      findingType: findingTypeOf({
        threatNames: strs(a, 'rule.groups').includes('virus') ? [str(a, 'data.extra_data')] : [],
        categories: strs(a, 'rule.groups'),
      }),
    }),
    raw,
  };
  return { alert, evidence };
}
