// Firewall blocking through External Dynamic Lists that autosoc serves (/v1/blocklists/<list>,
// src/api/blocklist-routes.ts): block_ip / block_domain / block_url add the alert's entry with
// an expiry, undo removes it; the firewalls (PAN-OS EDL, FortiGate threat feed, Check Point
// network feed) pull the lists. Values are normalised and checked here, so a list can only
// ever hold one well-formed entry per line: no whitespace, no comment, no second line.
import { isIP } from 'node:net';
import type { Pool } from 'pg';
import { ConnectorError } from '../connector-http';
import type { ResponseAction } from '../../domain/response';
import { addBlocklistEntry, type Blocklist, hasBlocklistEntry, removeBlocklistEntry } from '../../store/blocklists';
import type { ResponseConnector, ResponseContext, ResponseOutcome, VendorState } from '../response-connector';
import { executed, undone } from './vendor';

const LIST_OF: Partial<Record<ResponseAction['kind'], Blocklist>> = { block_ip: 'ip', block_domain: 'domain', block_url: 'url' };
const MAX_URL_CHARS = 2048;
const LABEL = /^[a-z0-9_-]{1,63}$/;

const refuse = (what: string, value: string) => new ConnectorError('rejected', `edl: not ${what}: ${JSON.stringify(value.slice(0, 200))}`);

/** An IPv4/IPv6 address or CIDR block, as the lists take it. */
function ipEntry(value: string): string {
  const [addr, prefix, ...rest] = value.trim().toLowerCase().split('/');
  const family = isIP(addr);
  const max = family === 4 ? 32 : 128;
  if (!family || rest.length || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= max)))
    throw refuse('an IP address or CIDR block', value);
  return prefix === undefined ? addr : `${addr}/${Number(prefix)}`;
}

/** A host name: lower case, no trailing dot, labels of letters, digits, - and _. */
function domainEntry(value: string): string {
  const name = value.trim().toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  if (
    name.length > 253 ||
    labels.length < 2 ||
    isIP(name) ||
    !labels.every((l) => LABEL.test(l) && !l.startsWith('-') && !l.endsWith('-'))
  ) {
    throw refuse('a domain name', value);
  }
  return name;
}

/** host[:port]/path?query without the scheme (PAN-OS and FortiGate URL lists match without it). */
function urlEntry(value: string): string {
  let url: URL;
  try {
    const trimmed = value.trim();
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    throw refuse('a URL', value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('an http(s) URL', value);
  const host = url.hostname.startsWith('[') ? url.hostname : domainOrIp(url.hostname, value);
  const entry = `${host}${url.port ? `:${url.port}` : ''}${url.pathname === '/' && !url.search ? '' : url.pathname}${url.search}`;
  if (entry.length > MAX_URL_CHARS || /\s/.test(entry)) throw refuse('a URL the lists can carry', value);
  return entry;
}

const domainOrIp = (host: string, value: string) => {
  try {
    return isIP(host) ? host : domainEntry(host);
  } catch {
    throw refuse('a URL', value);
  }
};

/** The list and the normalised entry an action adds. */
export function blocklistEntry(action: ResponseAction): { list: Blocklist; value: string } {
  const list = LIST_OF[action.kind];
  if (!list) throw new ConnectorError('rejected', `edl: ${action.kind} is not a firewall block`);
  const value = list === 'ip' ? ipEntry(action.target) : list === 'domain' ? domainEntry(action.target) : urlEntry(action.target);
  return { list, value };
}

export class BlocklistConnector implements ResponseConnector {
  readonly name = 'edl';
  /** Only writes our own table (an upsert): a retry after a crash may simply run again. */
  readonly afterCrash = 'repeat' as const;

  constructor(
    private readonly db: Pool,
    private readonly entryTtlMs: number,
  ) {}

  supports(a: ResponseAction): boolean {
    return LIST_OF[a.kind] !== undefined;
  }

  async execute(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome> {
    const { list, value } = blocklistEntry(action);
    const expires = await addBlocklistEntry(this.db, {
      list,
      value,
      workflowId: ctx.workflowId,
      approvedBy: ctx.approvedBy,
      ttlMs: this.entryTtlMs,
    });
    return executed('edl', `${value} on the ${list} blocklist until ${expires.toISOString()}`);
  }

  async check(action: ResponseAction, ctx: ResponseContext): Promise<VendorState> {
    const { list, value } = blocklistEntry(action);
    return (await hasBlocklistEntry(this.db, list, value, ctx.workflowId)) ? 'in-effect' : 'not-in-effect';
  }

  async undo(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome> {
    const { list, value } = blocklistEntry(action);
    const removed = await removeBlocklistEntry(this.db, list, value, ctx.workflowId);
    return undone('edl', removed ? `${value} removed from the ${list} blocklist` : `${value} was no longer on the ${list} blocklist`);
  }
}
