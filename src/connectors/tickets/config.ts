// The ticket system the policy chooses (policy.tickets.system), connected with settings and
// secrets from the environment. A policy that names a system whose settings are missing is a
// configuration error at start, not a silent absence of tickets.
import type { TriagePolicy } from '../../domain/policy';
import { ROLES, type Role } from '../../domain/roles';
import { jiraSystem } from './jira';
import { pagerDutyEvents, type PagerDutyEvents } from './pagerduty';
import { serviceNowSystem } from './servicenow';
import { theHiveSystem } from './thehive';
import type { TicketSystem } from './ticket-system';

function need(env: NodeJS.ProcessEnv, names: string[], system: string): string[] {
  const missing = names.filter((n) => !env[n]);
  if (missing.length)
    throw new Error(`policy.tickets.system is ${system}, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set`);
  return names.map((n) => env[n]!);
}

export function ticketSystemFor(policy: TriagePolicy, env: NodeJS.ProcessEnv): TicketSystem | undefined {
  const t = policy.tickets;
  switch (t?.system) {
    case undefined:
      return undefined;
    case 'jira': {
      const [baseUrl, email, apiToken] = need(env, ['AUTOSOC_JIRA_URL', 'AUTOSOC_JIRA_EMAIL', 'AUTOSOC_JIRA_API_TOKEN'], 'jira');
      if (!t.jira) throw new Error('policy.tickets.system is jira, but policy.tickets.jira.projectKey is not set');
      return jiraSystem({
        baseUrl,
        email,
        apiToken,
        projectKey: t.jira.projectKey,
        issueType: t.jira.issueType,
        webhookSecret: env.AUTOSOC_JIRA_WEBHOOK_SECRET,
      });
    }
    case 'servicenow': {
      const [baseUrl, user, password] = need(
        env,
        ['AUTOSOC_SERVICENOW_URL', 'AUTOSOC_SERVICENOW_USER', 'AUTOSOC_SERVICENOW_PASSWORD'],
        'servicenow',
      );
      return serviceNowSystem({
        baseUrl,
        user,
        password,
        table: t.servicenow?.table ?? 'sn_si_incident',
        webhookToken: env.AUTOSOC_SERVICENOW_WEBHOOK_TOKEN,
      });
    }
    case 'thehive': {
      const [baseUrl, apiKey] = need(env, ['AUTOSOC_THEHIVE_URL', 'AUTOSOC_THEHIVE_API_KEY'], 'thehive');
      return theHiveSystem({ baseUrl, apiKey, webhookToken: env.AUTOSOC_THEHIVE_WEBHOOK_TOKEN });
    }
  }
}

/** Who the ticket system acts as when it closes or comments (its roles decide, as a token's would). */
export function ticketServiceIdentity(system: TicketSystem, env: NodeJS.ProcessEnv): { actor: string; roles: Role[] } {
  const roles = (env.AUTOSOC_TICKET_SERVICE_ROLES ?? 'analyst')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (bad.length || roles.length === 0) throw new Error(`AUTOSOC_TICKET_SERVICE_ROLES: use ${ROLES.join(', ')}`);
  return { actor: env.AUTOSOC_TICKET_SERVICE_ACTOR ?? `service:${system.name}`, roles: roles as Role[] };
}

/** PagerDuty's Events API v2 when AUTOSOC_PAGERDUTY_ROUTING_KEY is set (AUTOSOC_PAGERDUTY_URL: a local server). */
export const pagerFromEnv = (env: NodeJS.ProcessEnv): PagerDutyEvents | undefined =>
  env.AUTOSOC_PAGERDUTY_ROUTING_KEY
    ? pagerDutyEvents({ routingKey: env.AUTOSOC_PAGERDUTY_ROUTING_KEY, baseUrl: env.AUTOSOC_PAGERDUTY_URL })
    : undefined;

/** Severities whose SLA breach pages: the policy's tickets.pageOn, else critical. */
export const pageOnFor = (policy: TriagePolicy): string[] => policy.tickets?.pageOn ?? ['critical'];
