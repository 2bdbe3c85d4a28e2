// The analyst console, served by the API at `/`: server-rendered pages (pages/), two static
// files (assets/), sign-in and sign-out. Pages authenticate through the API's own hook
// (api/auth.ts) with the session cookie; every decision the console sends is an ordinary API
// call (POST /v1/alerts/:id/decide, /v1/tuning/...), so the workflow's validator, roles, four
// eyes and quorum apply exactly as for any other caller.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { rawBody } from '../api/auth';
import { auditWithTarget, liveStatus, READ_ROLES } from '../api/analyst-routes';
import { describeAlert } from '../api/apply-decision';
import { DEFAULT_SUPPRESSION_TTL_DAYS, TUNING_ROLES } from '../api/tuning-routes';
import type { TriagePolicy } from '../domain/policy';
import { getAlertWithCase } from '../store/alert-cases';
import { getAlert } from '../store/alerts';
import { latestAssessment } from '../store/assessments';
import { listAudit } from '../store/decisions';
import { getIncident } from '../store/incidents';
import { listSuggestions } from '../store/suppressions';
import { cookieHeader, readCookie } from './cookies';
import { type Html, html } from './html';
import { page, SECURITY_HEADERS, type Section } from './layout';
import { alertPage } from './pages/alert';
import { incidentPage, incidentsPage } from './pages/incidents';
import { queuePage, queueRows } from './pages/queue';
import { searchPage } from './pages/search';
import { signInPage } from './pages/sign-in';
import { tuningPage } from './pages/tuning';
import {
  alertsWithObservable,
  incidentAlerts,
  isSeverity,
  listIncidents,
  listOpenCaseSources,
  listQueue,
  type QueueFilters,
} from '../store/console-queries';
import { type ConsoleSessions, SESSION_COOKIE, SESSION_MAX_AGE_MS, SignInRefused } from './sessions';

export interface ConsoleOptions {
  db: Pool;
  sessions: ConsoleSessions;
  client?: Client;
  policy?: TriagePolicy;
  /** The run's page in the Temporal Web UI. */
  temporalUiLink?: (workflowId: string) => string;
}

/** Guards the sign-in form against login CSRF: the form's hidden value must equal this cookie. */
const SIGN_IN_COOKIE = 'autosoc_sign_in';
const ASSETS_DIR = join(__dirname, 'assets');
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'console.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(ASSETS_DIR, 'console.js')) },
  'console.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(ASSETS_DIR, 'console.css')) },
};

const MAX_FIELD = 4096;
/** Console routes serve pages, not API operations: kept out of the OpenAPI document. */
const hide = { hide: true };
/** A urlencoded form body (the only kind the console's own forms send). */
function formBody(request: FastifyRequest): URLSearchParams {
  const bytes = rawBody(request);
  return new URLSearchParams(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      .toString('utf8')
      .slice(0, 4 * MAX_FIELD),
  );
}

/** Where to go after sign-in: one of our own paths, never another origin. */
const safeNext = (next: string | null | undefined) => (next && /^\/(?![/\\])/.test(next) ? next : '/');

const secure = (request: FastifyRequest) => request.protocol === 'https';

function sendPage(reply: FastifyReply, status: number, html: string) {
  return reply.code(status).headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(html);
}

const one = (v: unknown) => (typeof v === 'string' && v.length <= MAX_FIELD ? v : undefined);

function queueFilters(query: unknown): QueueFilters {
  const q = (query ?? {}) as Record<string, unknown>;
  const severity = one(q.severity);
  return {
    severity: isSeverity(severity) ? severity : undefined,
    source: one(q.source) || undefined,
    assignee: one(q.assignee) || undefined,
    q: one(q.q) || undefined,
  };
}

/** Public: assets, sign-in and sign-out. */
export const consoleSessionRoutes: FastifyPluginAsync<ConsoleOptions> = async (app, { sessions }) => {
  app.get('/console/assets/:file', { schema: hide, config: { audit: false } }, async (request, reply) => {
    const asset = ASSETS[(request.params as { file: string }).file];
    if (!asset) return reply.code(404).send({ error: 'no such asset' });
    return reply.headers({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' }).type(asset.type).send(asset.body);
  });

  app.get('/sign-in', { schema: hide, config: { audit: false } }, async (request, reply) => {
    const formToken = randomBytes(24).toString('base64url');
    reply.header('set-cookie', cookieHeader(SIGN_IN_COOKIE, formToken, { secure: secure(request), maxAgeSeconds: 3600 }));
    const next = safeNext(one((request.query as Record<string, unknown>).next));
    return sendPage(reply, 200, page({ title: 'Sign in', section: 'sign-in', body: signInPage(formToken, next) }));
  });

  app.post('/sign-in', { schema: hide }, async (request, reply) => {
    const form = formBody(request);
    const next = safeNext(form.get('next'));
    const expected = readCookie(request.headers.cookie, SIGN_IN_COOKIE);
    const refuse = (status: number, reason: string, message: string) => {
      request.auditReason = reason;
      const formToken = randomBytes(24).toString('base64url');
      reply.header('set-cookie', cookieHeader(SIGN_IN_COOKIE, formToken, { secure: secure(request), maxAgeSeconds: 3600 }));
      return sendPage(reply, status, page({ title: 'Sign in', section: 'sign-in', body: signInPage(formToken, next, message) }));
    };
    if (!expected || form.get('form') !== expected) return refuse(403, 'csrf', 'The sign-in form expired; please try again.');
    try {
      const { cookieId, principal } = await sessions.signIn(form.get('token') ?? '');
      request.principal = principal; // the sign-in is audited as its holder
      reply.header('set-cookie', [
        cookieHeader(SESSION_COOKIE, cookieId, { secure: secure(request), maxAgeSeconds: SESSION_MAX_AGE_MS / 1000 }),
        cookieHeader(SIGN_IN_COOKIE, '', { secure: secure(request), maxAgeSeconds: 0 }),
      ]);
      return reply.code(303).header('location', next).send();
    } catch (err) {
      if (err instanceof SignInRefused) return refuse(401, 'sign_in_refused', err.message);
      throw err;
    }
  });

  app.post('/sign-out', { schema: hide, config: { audit: false } }, async (request, reply) => {
    const session = await sessions.resolve(request.headers.cookie);
    // Sign-out changes state too: without the session's CSRF token another page could end it.
    if (session && formBody(request).get('csrf') === session.csrf) await sessions.signOut(request.headers.cookie);
    reply.header('set-cookie', cookieHeader(SESSION_COOKIE, '', { secure: secure(request), maxAgeSeconds: 0 }));
    return reply.code(303).header('location', '/sign-in').send();
  });
};

/** The pages, for analysts, engineers and admins (tuning: engineers and admins). */
export const consolePageRoutes: FastifyPluginAsync<ConsoleOptions> = async (app, opts) => {
  const { db, client, policy } = opts;
  const read = { auth: { roles: READ_ROLES }, page: true, audit: false };
  auditWithTarget(app, db, (request) => {
    const p = request.params as { workflowId?: string; incidentId?: string } | undefined;
    return p?.workflowId ?? p?.incidentId;
  });
  const render = (request: FastifyRequest, reply: FastifyReply, title: string, section: Section, body: Html, status = 200) =>
    sendPage(reply, status, page({ title, section, body, session: { principal: request.principal!, csrf: request.consoleCsrf ?? '' } }));

  app.get('/', { schema: hide, config: read }, async (request, reply) => {
    const filters = queueFilters(request.query);
    const now = Date.now();
    const [items, sources] = await Promise.all([listQueue(db, policy, filters, now), listOpenCaseSources(db)]);
    const rowsUrl = `/queue/rows?${new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => !!e[1])).toString()}`;
    return render(request, reply, 'Queue', 'queue', queuePage(items, filters, sources, now, rowsUrl));
  });

  app.get('/alerts/:workflowId', { schema: hide, config: read }, async (request, reply) => {
    const { workflowId } = request.params as { workflowId: string };
    const alert = workflowId.length <= 1024 ? await getAlert(db, workflowId) : undefined;
    if (!alert) return render(request, reply, 'No such alert', 'alert', html404(workflowId), 404);
    const desc = client ? await describeAlert(client, workflowId) : undefined;
    const [caseRow, status, audit, assessment] = await Promise.all([
      getAlertWithCase(db, workflowId),
      client && desc ? liveStatus(client, desc) : null,
      listAudit(db, workflowId),
      latestAssessment(db, workflowId),
    ]);
    return render(
      request,
      reply,
      alert.title,
      'alert',
      alertPage({
        workflowId,
        alert,
        caseRow,
        status,
        execution: desc?.status.name ?? null,
        assessment,
        audit,
        temporalUiLink: opts.temporalUiLink?.(workflowId),
      }),
    );
  });

  app.get('/incidents', { schema: hide, config: read }, async (request, reply) =>
    render(request, reply, 'Incidents', 'incidents', incidentsPage(await listIncidents(db))),
  );

  app.get('/incidents/:incidentId', { schema: hide, config: read }, async (request, reply) => {
    const { incidentId } = request.params as { incidentId: string };
    const incident = incidentId.length <= 1024 ? await getIncident(db, incidentId) : undefined;
    if (!incident) return render(request, reply, 'No such incident', 'incidents', html404(incidentId), 404);
    return render(
      request,
      reply,
      `Incident ${incident.id}`,
      'incidents',
      incidentPage(incident, await incidentAlerts(db, incident.id, incident.primary_alert)),
    );
  });

  app.get('/tuning', { schema: hide, config: { auth: { roles: TUNING_ROLES }, page: true, audit: false } }, async (request, reply) =>
    render(
      request,
      reply,
      'Tuning suggestions',
      'tuning',
      tuningPage(await listSuggestions(db), policy?.suppressionTtlDays ?? DEFAULT_SUPPRESSION_TTL_DAYS),
    ),
  );

  app.get('/search', { schema: hide, config: read }, async (request, reply) => {
    const observable = one((request.query as Record<string, unknown>).observable)?.trim() || undefined;
    return render(
      request,
      reply,
      'Search by observable',
      'search',
      searchPage(observable, observable ? await alertsWithObservable(db, observable) : []),
    );
  });
};

/** The queue's rows alone, polled by console.js; not audited (it repeats every few seconds). */
export const consolePollRoutes: FastifyPluginAsync<ConsoleOptions> = async (app, { db, policy }) => {
  app.get('/queue/rows', { schema: hide, config: { auth: { roles: READ_ROLES }, audit: false } }, async (request, reply) => {
    const now = Date.now();
    const rows = queueRows(await listQueue(db, policy, queueFilters(request.query), now), now);
    return reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(rows.value);
  });
};

const html404 = (id: string) => html`<p>Nothing is known by the id <code>${id}</code>.</p>`;
