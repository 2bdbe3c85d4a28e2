// What autosoc needs from a ticket system (TheHive 5, Jira Cloud, ServiceNow): find the ticket
// of a case by its correlation id, create one, comment on it, and read the system's webhooks
// (verified) as closures and comments. One module per system implements it.
import { createHash } from 'node:crypto';
import { createHttpClient, type HttpClient, isSuccess } from '../http';

export const TICKET_SYSTEMS = ['thehive', 'jira', 'servicenow'] as const;
export type TicketSystemName = (typeof TICKET_SYSTEMS)[number];

export interface TicketDraft {
  correlationId: string;
  workflowId: string;
  title: string;
  severity: string;
  score?: number;
  verdict?: string;
  summary?: string;
  reasons: string[];
  observables: { dataType: string; data: string }[];
  link?: string;
}
export interface TicketRef {
  id: string;
  key: string;
  url?: string;
}

/** What a verified webhook told us: the ticket was closed/resolved, or someone commented. */
export interface TicketEvent {
  /** The delivery's id, the same when the system redelivers it. */
  eventId: string;
  externalId: string;
  kind: 'closed' | 'comment';
  /** The human who did it, as the ticket system names them. */
  by: string;
  text?: string;
  falsePositive?: boolean;
}

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** How autosoc decided the alert, for the ticket's close (a false positive or not, and why). */
export interface TicketResolution {
  falsePositive: boolean;
  note: string;
}

/** A ticket autosoc opened that a human closed, as the poller finds it; updatedAt (ISO) is its cursor. */
export interface ClosedTicket {
  externalId: string;
  by: string;
  text?: string;
  falsePositive: boolean;
  updatedAt: string;
}

export interface TicketSystem {
  readonly name: TicketSystemName;
  find(correlationId: string): Promise<TicketRef | undefined>;
  create(draft: TicketDraft): Promise<TicketRef>;
  comment(ref: TicketRef, text: string): Promise<void>;
  /** Whether a comment containing `marker` is on the ticket: a retry's check before commenting again. */
  hasComment(ref: TicketRef, marker: string): Promise<boolean>;
  /** Closes (resolves) the ticket unless it already is; false when it already was. */
  resolve(ref: TicketRef, resolution: TicketResolution): Promise<boolean>;
  /** Closed tickets autosoc opened, changed at or after `since` (ISO), oldest first, at most `limit`. */
  closedSince(since: string, limit: number): Promise<ClosedTicket[]>;
  /** False when the request is not from the system (signature or shared secret wrong). */
  verifyWebhook(req: WebhookRequest): boolean;
  /** The event a verified delivery carries; undefined when it is nothing autosoc acts on. */
  parseWebhook(req: WebhookRequest): TicketEvent | undefined;
}

/** Marks autosoc's own comments, so their webhook echo is not taken for a human's. */
export const AUTOSOC_MARK = '[autosoc]';

/** A correlation id every system accepts as a label, tag or field: letters, digits and dashes. */
export const correlationIdFor = (workflowId: string) => `autosoc-${createHash('sha256').update(workflowId).digest('hex').slice(0, 32)}`;

export class TicketError extends Error {
  /** retryable: a later attempt may succeed (network, 5xx, 429); else the request or configuration is wrong. */
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'TicketError';
  }
}

/** Shared HTTP for ticket systems: 4xx other than 408/409/429 are not worth retrying. */
export function ticketHttp(system: string): HttpClient {
  return createHttpClient({
    defaultMaxBytes: 4 * 1024 * 1024,
    failsOn: (status) => !isSuccess(status),
    toError: (f) =>
      new TicketError(`${system}: ${f.message}`, f.kind !== 'status' || f.status >= 500 || [408, 409, 429].includes(f.status)),
    honourRetryAfter: { maxWaitMs: 30_000, maxRetries: 2 },
  });
}

export const header = (req: WebhookRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function parseJsonBody(req: WebhookRequest): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(req.body).toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The observables of a case in the shape TheHive names them (dataType), reused by the others' text. */
export function observablesOf(
  o: Partial<Record<'hosts' | 'users' | 'hashes' | 'domains' | 'ips' | 'urls' | 'emails', string[]>> | undefined,
): { dataType: string; data: string }[] {
  if (!o) return [];
  const kinds: [keyof typeof o, string][] = [
    ['hosts', 'hostname'],
    ['users', 'other'],
    ['hashes', 'hash'],
    ['domains', 'domain'],
    ['ips', 'ip'],
    ['urls', 'url'],
    ['emails', 'mail'],
  ];
  return kinds.flatMap(([k, dataType]) => (o[k] ?? []).slice(0, 50).map((data) => ({ dataType, data: String(data).slice(0, 2048) })));
}

/** The case as plain text lines (ServiceNow's description; the paragraphs of Jira's ADF body). */
export function draftLines(d: TicketDraft): string[] {
  return [
    `${d.severity} alert escalated by autosoc: score ${d.score ?? '-'} (${d.verdict ?? '-'})`,
    `autosoc alert: ${d.workflowId}`,
    ...(d.summary ? [d.summary] : []),
    ...(d.reasons.length ? ['Why:', ...d.reasons.slice(0, 20).map((r) => `- ${r}`)] : []),
    ...(d.observables.length ? ['Observables:', ...d.observables.slice(0, 50).map((o) => `- ${o.dataType}: ${o.data}`)] : []),
    ...(d.link ? [`Run: ${d.link}`] : []),
  ];
}
