// Per-alert and per-incident reports, rendered from the store on request as Markdown or as a
// self-contained HTML page (render.ts). Readable by the roles that read alerts.
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { BadPeriodError, parsePeriod } from '../domain/report-period';
import { alertReportModel, incidentReportModel } from '../reports/report-model';
import { socReport } from '../reports/soc-report';
import { listFailedRuns } from '../temporal/failed-runs';
import { renderDocument, REPORT_CSP, REPORT_FORMATS, REPORT_MEDIA_TYPES, renderReport, type ReportFormat } from '../reports/render';
import { ApiErrorBody, auditWithTarget, fail, READ_ROLES, WorkflowIdParams } from './analyst-routes';

export const FormatQuery = z.object({
  format: z
    .enum(REPORT_FORMATS)
    .default('md')
    .describe('md (Markdown), html (one self-contained page) or pdf (that page printed by Chromium)'),
});
const responses = {
  200: z.string().describe('The report (text/markdown, text/html or application/pdf)'),
  401: ApiErrorBody,
  403: ApiErrorBody.describe('Needs analyst, engineer or admin'),
  404: ApiErrorBody,
};

export const reportRoutes: FastifyPluginAsync<{ db: Pool; client?: Client; workflowLink?: (workflowId: string) => string }> = async (
  api,
  { db, client, workflowLink },
) => {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearerAuth: [] }];
  // Reading a report is audited with what was read, as reading an alert is.
  auditWithTarget(api, db, (request) => {
    const p = request.params as { workflowId?: string; incidentId?: string } | undefined;
    return p?.workflowId ?? p?.incidentId;
  });

  r.get(
    '/v1/reports/alerts/:workflowId',
    {
      config: { auth: { roles: READ_ROLES }, audit: false },
      schema: {
        summary: "One alert's report",
        tags: ['reports'],
        security,
        produces: ['text/markdown', 'text/html', 'application/pdf'],
        params: WorkflowIdParams,
        querystring: FormatQuery,
        response: responses,
      },
    },
    async (request, reply) => {
      const model = await alertReportModel(db, request.params.workflowId);
      if (!model) return fail(request, reply, 404, 'unknown_alert', `no alert ${request.params.workflowId}`);
      return sendReport(reply, await renderReport(model, request.query.format), request.query.format);
    },
  );

  r.get(
    '/v1/reports/incidents/:incidentId',
    {
      config: { auth: { roles: READ_ROLES }, audit: false },
      schema: {
        summary: "One incident's report, over all its alerts",
        tags: ['reports'],
        security,
        produces: ['text/markdown', 'text/html', 'application/pdf'],
        params: z.object({ incidentId: z.string().min(1).max(1024).describe('The incident workflow id (URL-encoded)') }),
        querystring: FormatQuery,
        response: responses,
      },
    },
    async (request, reply) => {
      const model = await incidentReportModel(db, request.params.incidentId);
      if (!model) return fail(request, reply, 404, 'unknown_incident', `no incident ${request.params.incidentId}`);
      return sendReport(reply, await renderReport(model, request.query.format), request.query.format);
    },
  );

  r.get(
    '/v1/reports/soc',
    {
      config: { auth: { roles: READ_ROLES } },
      schema: {
        summary: 'The SOC report of a period: the alerts received in [from, to) and what became of them',
        tags: ['reports'],
        security,
        produces: ['text/markdown', 'text/html', 'application/pdf'],
        querystring: FormatQuery.extend({
          from: z.string().max(40).describe('ISO date or date-time, included'),
          to: z.string().max(40).optional().describe('ISO date or date-time, excluded; default now'),
        }),
        response: { ...responses, 400: ApiErrorBody },
      },
    },
    async (request, reply) => {
      let period;
      try {
        period = parsePeriod(request.query.from, request.query.to, new Date());
      } catch (err) {
        if (err instanceof BadPeriodError) return fail(request, reply, 400, 'bad_period', err.message);
        throw err;
      }
      // Pipeline health includes Temporal's failed and retrying runs when this server can ask.
      const failedRuns = client ? await listFailedRuns(client, workflowLink ? { link: workflowLink } : {}) : undefined;
      return sendReport(reply, await renderDocument(await socReport(db, period, failedRuns), request.query.format), request.query.format);
    },
  );
};

/** The page's CSP goes in the header too: a browser opening the API's answer obeys it. */
export function sendReport(reply: FastifyReply, body: string | Buffer, format: ReportFormat) {
  return reply
    .code(200)
    .type(REPORT_MEDIA_TYPES[format])
    .header('content-security-policy', REPORT_CSP)
    .header('x-content-type-options', 'nosniff')
    .send(body);
}
