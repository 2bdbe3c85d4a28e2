// The policy as code: thresholds, weights, organisation context, SLA tiers, fallbacks and
// approval rules. Travels in the workflow input so a run keeps the policy it started with
// and replays deterministically. Fields added after the first release are optional and read
// through the accessors below, so runs started with an older policy keep working.
import { REPORT_CADENCES } from './report-period';
import { z } from 'zod';
import { RESPONSE_CONNECTORS, RESPONSE_KINDS, type ResponseConnectorName } from './response-kinds';
import { SEVERITIES } from './alert';
import { ROLES } from './roles';
import { PlaybookRouting } from './playbook-routing';
import { SharingPolicy } from './sharing-policy';
import { DecisionPublicKey } from './signed-decision';

export const SlaTier = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'tier names are short lower-case words'),
  /** How long this tier has to answer before the alert escalates to the next one. */
  respondWithinMs: z.number().int().positive(),
});
export type SlaTier = z.infer<typeof SlaTier>;

const ResponseKindEnum = z.enum(RESPONSE_KINDS);

/** Which connector serves each action; a connector named for an action it cannot carry out is refused. */
export const ResponseRouting = z
  .partialRecord(ResponseKindEnum, z.enum(Object.keys(RESPONSE_CONNECTORS) as [ResponseConnectorName, ...ResponseConnectorName[]]))
  .superRefine((routes, ctx) => {
    for (const [kind, name] of Object.entries(routes)) {
      if (name && !(RESPONSE_CONNECTORS[name] as readonly string[]).includes(kind)) {
        ctx.addIssue({
          code: 'custom',
          path: [kind],
          message: `${name} cannot carry out ${kind} (it serves ${RESPONSE_CONNECTORS[name].join(', ')})`,
        });
      }
    }
  });
export type ResponseRouting = z.infer<typeof ResponseRouting>;

export const ApprovalRule = z.object({
  /** Distinct approvals needed before the action runs. */
  quorum: z.number().int().min(1).max(5).default(1),
  /** The approver must not be the analyst who requested the containment. */
  fourEyes: z.boolean().default(false),
});
export type ApprovalRule = z.infer<typeof ApprovalRule>;

export const AssetRule = z.strictObject({
  /** Host name glob, e.g. "srv-dc-*". */
  host: z.string().min(1),
  criticality: z.enum(['low', 'medium', 'high', 'critical']),
});

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'times are HH:MM (24 h, UTC)');
/** A weekly window in UTC; `to` before `from` runs past midnight into the next day. */
export const TimeWindow = z.strictObject({ days: z.array(z.enum(DAYS)).min(1), from: HHMM, to: HHMM });
export type TimeWindow = z.infer<typeof TimeWindow>;
const Cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}(\/(3[0-2]|[12]?\d))?$/, 'an IPv4 address or CIDR range, e.g. 10.40.99.0/24');
const Day = z.iso.date();
const Name = z.string().min(1).max(200);
/** Dated approvals (pentest, travel) hold from `start` to `end` inclusive (UTC dates). */
const Dated = { start: Day, end: Day };

export const ASSET_ROLES = [
  'ci-runner',
  'monitoring',
  'scanner',
  'domain-controller',
  'jump-host',
  'mail-relay',
  'backup',
  'management',
] as const;

export const Organisation = z.strictObject({
  /**
   * Tools the organisation runs on purpose, matched against a process's or an ancestor's image
   * path or name (never against command-line text, which an attacker writes).
   */
  sanctionedTools: z.array(z.string().min(1)).default([]),
  scannerIps: z.array(z.string().min(1)).default([]),
  egressIps: z.array(z.string().min(1)).default([]),
  /** Sender domains or addresses of the organisation's phishing simulations. */
  phishingSimulationSenders: z.array(z.string().min(1)).default([]),
  /** The simulation vendor's documented campaign headers and sending infrastructure. */
  phishingSimulation: z
    .strictObject({
      senders: z.array(Name).min(1),
      /** Header names the vendor stamps on every campaign mail (all must be present). */
      headers: z.array(z.string().regex(/^[A-Za-z0-9-]{1,76}$/)).min(1),
      sendingRanges: z.array(Cidr).default([]),
    })
    .optional(),
  /** Vulnerability scanners: their source ranges and when they scan. */
  scanners: z.array(z.strictObject({ name: Name, ranges: z.array(Cidr).min(1), windows: z.array(TimeWindow).default([]) })).default([]),
  /** VPN / ZTNA / NAT egress: a sign-in from here is from our own network, wherever it geolocates. */
  egressRanges: z.array(z.strictObject({ name: Name, ranges: z.array(Cidr).min(1) })).default([]),
  mailDomains: z.strictObject({ own: z.array(Name).default([]), partners: z.array(Name).default([]) }).default({ own: [], partners: [] }),
  serviceAccounts: z.array(z.strictObject({ user: Name, hosts: z.array(Name).min(1), jobs: z.array(Name).default([]) })).default([]),
  /** Management agents (SCCM, Intune, Jamf, Ansible, Puppet, backup): by image path and signer. */
  managementAgents: z
    .array(
      z.strictObject({
        name: Name,
        paths: z.array(Name).min(1),
        signers: z.array(Name).default([]),
        users: z.array(Name).default([]),
      }),
    )
    .default([]),
  maintenanceWindows: z.array(z.strictObject({ name: Name, hosts: z.array(Name).min(1), windows: z.array(TimeWindow).min(1) })).default([]),
  /** Authorised security tests: source ranges and accounts, valid between the dates. */
  engagements: z
    .array(
      z.strictObject({
        name: Name,
        ...Dated,
        sourceRanges: z.array(Cidr).default([]),
        users: z.array(Name).default([]),
      }),
    )
    .default([]),
  /** Approved travel: sign-ins from elsewhere by this user between the dates are expected. */
  travel: z.array(z.strictObject({ user: Name, ...Dated, countries: z.array(z.string().regex(/^[A-Z]{2}$/)).default([]) })).default([]),
  /**
   * Services meant to be reachable from the internet (storefront, VPN portal): by host-name glob
   * and port. Background reconnaissance of these ports is expected; anything more is not.
   */
  exposedServices: z
    .array(z.strictObject({ name: Name, hosts: z.array(Name).min(1), ports: z.array(z.number().int().min(1).max(65535)).min(1) }))
    .default([]),
  /** What a host is for, by host-name glob. */
  assetRoles: z.array(z.strictObject({ host: Name, role: z.enum(ASSET_ROLES) })).default([]),
});
export type Organisation = z.infer<typeof Organisation>;

export { DecisionPublicKey };

export const ReportSchedule = z.strictObject({
  cadence: z.enum(REPORT_CADENCES),
  /** The UTC hour it runs, after its period (the last complete day, week or month) ended. */
  hourUtc: z.number().int().min(0).max(23).default(6),
  format: z.enum(['pdf', 'html', 'md']).default('pdf'),
  /** Mailed as an attachment over SMTP (AUTOSOC_SMTP_URL). */
  email: z.array(z.email()).max(50).default([]),
  /** Uploaded to these Slack channel ids (AUTOSOC_SLACK_BOT_TOKEN). */
  slackChannels: z
    .array(z.string().regex(/^[A-Z0-9]{6,20}$/, 'a Slack channel id, like C0123456789'))
    .max(20)
    .default([]),
});
export type ReportSchedule = z.infer<typeof ReportSchedule>;
export const ReportsPolicy = z.strictObject({
  schedules: z
    .array(ReportSchedule)
    .max(REPORT_CADENCES.length)
    .refine((s) => new Set(s.map((x) => x.cadence)).size === s.length, 'one schedule per cadence'),
});

const severityMap = <T extends z.ZodType>(t: T) => z.partialRecord(z.enum(SEVERITIES), t);

export const TriagePolicy = z
  .strictObject({
    version: z.string().min(1),
    /** Alerts scoring below this with no malicious finding are closed automatically. */
    autoCloseBelow: z.number().min(0).max(100),
    suspiciousAtOrAbove: z.number().min(0).max(100),
    maliciousAtOrAbove: z.number().min(0).max(100),
    /** Default SLA tiers; slaBySeverity overrides them per severity. */
    slaTiers: z.array(SlaTier).min(1),
    slaBySeverity: severityMap(z.array(SlaTier).min(1)).optional(),
    /** When the last tier breaches too: keep waiting, or contain and record why. */
    slaFallback: severityMap(z.enum(['wait', 'contain'])).optional(),
    /** Multiplier per analyzer (name before any ":"), default 1. */
    weights: z.record(z.string(), z.number().min(0).max(3)).optional(),
    assets: z.array(AssetRule).optional(),
    vipUsers: z.array(z.string().min(1)).optional(),
    organisation: Organisation.optional(),
    /** Containment that may run without a human, at or above a score. */
    autoRespond: z.object({ safeActions: z.array(ResponseKindEnum), minScore: z.number().min(0).max(100) }).optional(),
    approvals: z.partialRecord(ResponseKindEnum, ApprovalRule).optional(),
    /** Which connector carries out each action (absent: the manual connector, recorded for an operator). */
    responseConnectors: ResponseRouting.optional(),
    /**
     * The response saga (containment-v1): how long a contained alert stays open for review (a
     * close as false positive inside it undoes the containment, in reverse; none after it), and
     * how many attempts an undo gets before it is escalated (it keeps being retried after).
     */
    containment: z
      .strictObject({
        reviewWindowMs: z
          .number()
          .int()
          .min(0)
          .max(30 * 24 * 3_600_000),
        undoAttemptsBeforeEscalation: z.number().int().min(1).max(100).default(5),
      })
      .optional(),
    /** Alert source → the SIEM told its final disposition (siem-writeback-v1; ELASTIC_* / SPLUNK_* credentials). */
    siemWriteback: z.record(z.string().min(1).max(128), z.enum(['elastic', 'splunk'])).optional(),
    /** Roles allowed to take each decision action. */
    decisionRoles: z.partialRecord(z.enum(['approve', 'close', 'escalate', 'assign', 'comment']), z.array(z.enum(ROLES)).min(1)).optional(),
    /** Detonate file evidence in the sandbox (CAPE): never, when triage is not yet sure, or always. */
    sandbox: z
      .object({ detonate: z.enum(['never', 'uncertain', 'always']), maxSamples: z.number().int().min(1).max(10).default(3) })
      .optional(),
    /** Fetch the alert's process images from the host through this EDR (needs the host's uid). */
    edrCollection: z
      .object({
        connector: z.enum(['falcon', 'defender']),
        maxFiles: z.number().int().min(1).max(10).default(3),
        /** What may be fetched (src/domain/edr-allow-list.ts); absent: nothing, every fetch is refused. */
        allow: z
          .object({
            paths: z
              .array(
                z
                  .string()
                  .max(1024)
                  .regex(/^(\/|[A-Za-z]:[\\/])/, 'must be an absolute path glob (/... or C:\\...)')
                  .refine((p) => !/(^|[\\/])\.\.([\\/]|$)/.test(p), 'must not contain ".."'),
              )
              .max(100),
            hosts: z.array(z.string().min(1).max(128)).max(100),
          })
          .optional(),
      })
      .optional(),
    /** What may leave the organisation in exported intel (STIX, MISP): TLP per source, own domains and ranges. */
    sharing: SharingPolicy.optional(),
    /**
     * Where escalated cases become tickets (connection settings and secrets come from the
     * environment: src/connectors/tickets/README.md); pageOn: severities whose SLA breach pages
     * on-call through PagerDuty when AUTOSOC_PAGERDUTY_ROUTING_KEY is set.
     */
    tickets: z
      .strictObject({
        system: z.enum(['thehive', 'jira', 'servicenow']).optional(),
        jira: z
          .strictObject({ projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,30}$/), issueType: z.string().min(1).max(64).default('Task') })
          .optional(),
        servicenow: z.strictObject({ table: z.enum(['sn_si_incident', 'incident']).default('sn_si_incident') }).optional(),
        /** Poll the ticket system for closed tickets this often (for systems without webhooks, or as their safety net). */
        pollEverySeconds: z.number().int().min(10).max(86_400).optional(),
        pageOn: z.array(z.enum(SEVERITIES)).max(5).optional(),
      })
      .optional(),
    /** Scheduled SOC reports (Temporal Schedules, one per cadence) and where each is delivered. */
    reports: ReportsPolicy.optional(),
    /** Which playbook (workflow type) runs for which alerts (src/domain/playbook-routing.ts). */
    playbooks: PlaybookRouting.optional(),
    /** Accepted suppressions expire after this many days. */
    suppressionTtlDays: z.number().int().min(1).max(365).optional(),
    /**
     * Whose signature makes a decision (public keys of AUTOSOC_DECISION_KEYS). Set by the process
     * that starts workflows, never by a policy file (loadConfig refuses it there).
     */
    decisionKeys: z.array(DecisionPublicKey).min(1).max(8).optional(),
  })
  .refine((p) => p.autoCloseBelow <= p.suspiciousAtOrAbove && p.suspiciousAtOrAbove <= p.maliciousAtOrAbove, {
    message: 'thresholds must satisfy autoCloseBelow <= suspiciousAtOrAbove <= maliciousAtOrAbove',
  });
export type TriagePolicy = z.infer<typeof TriagePolicy>;

export const DEFAULT_POLICY: TriagePolicy = {
  version: '2026-11-27',
  autoCloseBelow: 30,
  suspiciousAtOrAbove: 50,
  maliciousAtOrAbove: 80,
  slaTiers: [
    { name: 'tier1', respondWithinMs: 15 * 60_000 },
    { name: 'tier2', respondWithinMs: 60 * 60_000 },
    { name: 'tier3', respondWithinMs: 4 * 60 * 60_000 },
  ],
};

/** The connector that carries out an action kind: the policy's choice, else manual. */
