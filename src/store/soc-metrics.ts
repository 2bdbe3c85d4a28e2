// The SOC-wide figures of a period, computed in PostgreSQL. Every figure is about one cohort:
// the alerts received in [from, to) and what happened to them (cases, decisions, actions),
// whenever that happened: a past period's figures change only as work still open on its
// alerts gets done.
import type { Pool } from 'pg';

export interface Period {
  from: Date;
  to: Date;
}
export interface Count {
  key: string;
  count: number;
}
export interface SourceFormatCount {
  source: string;
  format: string;
  count: number;
}

export interface SeverityTimes {
  severity: string;
  cases: number;
  /** Cases a person acted on (any decision), and the seconds from case opened to that first act. */
  acknowledged: number;
  mttaMedianS: number | null;
  mttaP90S: number | null;
  /** Closed cases, and the seconds from the alert's arrival to the case's close. */
  resolved: number;
  mttrMedianS: number | null;
  mttrP90S: number | null;
}

export interface AnalystWorkload {
  actor: string;
  alerts: number;
  decisions: number;
  approve: number;
  close: number;
  escalate: number;
  assign: number;
  comment: number;
  falsePositives: number;
}

export interface TuningSuggestion {
  id: string;
  match: Record<string, string>;
  reason: string;
  /** Alerts of the period the suppression would have closed at ingest, and their share of the rule's. */
  wouldSuppress: number;
  expectedReduction: number;
}

export interface NoisyRule {
  ruleId: string;
  ruleName: string | null;
  alerts: number;
  /** Final decisions people took on the rule's alerts, the closes among them marked false positive, and their ratio. */
  analystDecided: number;
  falsePositives: number;
  falsePositiveRate: number | null;
  suggestions: TuningSuggestion[];
}

export interface ContainmentSummary {
  kind: string;
  actions: number;
  automatic: number;
  failed: number;
  undone: number;
}
export interface Storm {
  incidentId: string;
  correlationKey: string;
  alerts: number;
  first: string;
  last: string;
}

export interface SocMetrics {
  period: { from: string; to: string };
  /** byFormat: the ingest format ("unknown" for alerts that did not come through ingest); bySourceAndFormat: both at once. */
  volume: {
    total: number;
    suppressed: number;
    bySource: Count[];
    byFormat: Count[];
    bySourceAndFormat: SourceFormatCount[];
    bySeverity: Count[];
  };
  dispositions: Count[];
  /** Alerts closed by triage with no person, out of the alerts triage decided (suppressed ones are counted apart). */
  autoClose: { closed: number; triaged: number; rate: number | null };
  times: SeverityTimes[];
  slaBreaches: { tier: string; breaches: number; alerts: number }[];
  analysts: AnalystWorkload[];
  noisyRules: NoisyRule[];
  containment: ContainmentSummary[];
  incidents: number;
  storms: Storm[];
  health: { untriaged: number; analyzerErrors: Count[]; notificationFailures: Count[] };
}

const SEVERITY_ORDER = "array_position(ARRAY['critical','high','medium','low','informational'], severity)";
/** The period's alerts; every query starts from it. */
const COHORT = 'WITH w AS (SELECT * FROM alerts WHERE received_at >= $1 AND received_at < $2)';
/** Decisions by people, never by the policy, the SLA timer or ingest (actors "system:..."). */
const BY_PERSON = "d.actor NOT LIKE 'system:%'";
const RULE_ID = "coalesce(a.alert->'rule'->>'id', a.alert->'rule'->>'name')";
/**
 * Alert a of the cohort is matched by suppression s: the SQL form of matchesSuppression
 * (domain/suppression.ts): every field the match names equals the alert's, ignoring case;
 * a user also matches a DOMAIN\user name.
 */
const SUPPRESSION_MATCHES = `
  (s.match->>'source' IS NULL OR lower(s.match->>'source') = lower(a.source))
  AND (s.match->>'ruleId' IS NULL OR lower(s.match->>'ruleId') = lower(${RULE_ID}))
  AND (s.match->>'host' IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(a.observables->'hosts', '[]')) h WHERE lower(h) = lower(s.match->>'host')))
  AND (s.match->>'user' IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(a.observables->'users', '[]')) u
       WHERE lower(u) = lower(s.match->>'user') OR right(lower(u), length(s.match->>'user') + 1) = '\\' || lower(s.match->>'user')))
  AND (s.match->>'hash' IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(a.observables->'hashes', '[]')) x WHERE lower(x) = lower(s.match->>'hash')))`;

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

/** The figures of the alerts received in the period; noisiest rules limited to `topRules`. */
export async function socMetrics(db: Pool, period: Period, topRules = 10): Promise<SocMetrics> {
  const p = [period.from, period.to];
  const counts = async (sql: string, extra: unknown[] = []) => (await db.query<Count>(`${COHORT} ${sql}`, [...p, ...extra])).rows;

  const [{ total, suppressed, autoClosed, triaged, untriaged }] = (
    await db.query<{ total: number; suppressed: number; autoClosed: number; triaged: number; untriaged: number }>(
      `${COHORT} SELECT count(*)::int AS total,
       count(*) FILTER (WHERE suppressed_by IS NOT NULL)::int AS suppressed,
       count(*) FILTER (WHERE disposition = 'auto_close')::int AS "autoClosed",
       count(*) FILTER (WHERE disposition IS NOT NULL AND disposition <> 'suppressed')::int AS triaged,
       count(*) FILTER (WHERE disposition IS NULL)::int AS untriaged
     FROM w`,
      p,
    )
  ).rows;

  const bySource = await counts('SELECT source AS key, count(*)::int AS count FROM w GROUP BY source ORDER BY count DESC, key');
  const byFormat = await counts(
    "SELECT coalesce(ingest_format, 'unknown') AS key, count(*)::int AS count FROM w GROUP BY 1 ORDER BY count DESC, key",
  );
  const bySourceAndFormat = (
    await db.query<SourceFormatCount>(
      `${COHORT} SELECT source, coalesce(ingest_format, 'unknown') AS format, count(*)::int AS count FROM w GROUP BY 1, 2 ORDER BY count DESC, source, format`,
      p,
    )
  ).rows;
  const bySeverity = await counts(`SELECT severity AS key, count(*)::int AS count FROM w GROUP BY severity ORDER BY ${SEVERITY_ORDER}`);
  const dispositions = await counts(
    "SELECT coalesce(disposition, 'pending') AS key, count(*)::int AS count FROM w GROUP BY 1 ORDER BY count DESC, key",
  );

  const times = (
    await db.query<SeverityTimes>(
      `${COHORT}, c AS (
       SELECT a.severity,
         extract(epoch FROM (SELECT min(d.recorded_at) FROM decisions d WHERE d.workflow_id = a.workflow_id AND ${BY_PERSON}) - c.opened_at)::float8 AS tta,
         extract(epoch FROM c.closed_at - a.received_at)::float8 AS ttr
       FROM w a JOIN cases c USING (workflow_id))
     SELECT severity, count(*)::int AS cases,
       count(tta)::int AS acknowledged,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY tta) AS "mttaMedianS", percentile_cont(0.9) WITHIN GROUP (ORDER BY tta) AS "mttaP90S",
       count(ttr)::int AS resolved,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ttr) AS "mttrMedianS", percentile_cont(0.9) WITHIN GROUP (ORDER BY ttr) AS "mttrP90S"
     FROM c GROUP BY severity ORDER BY ${SEVERITY_ORDER}`,
      p,
    )
  ).rows;

  const slaBreaches = (
    await db.query<SocMetrics['slaBreaches'][number]>(
      `${COHORT} SELECT d.details->>'fromTier' AS tier, count(*)::int AS breaches, count(DISTINCT d.workflow_id)::int AS alerts
     FROM decisions d JOIN w USING (workflow_id) WHERE d.action = 'sla_breach' GROUP BY 1 ORDER BY breaches DESC, tier`,
      p,
    )
  ).rows;

  const analysts = (
    await db.query<AnalystWorkload>(
      `${COHORT} SELECT d.actor, count(DISTINCT d.workflow_id)::int AS alerts, count(*)::int AS decisions,
       count(*) FILTER (WHERE d.action = 'approve')::int AS approve, count(*) FILTER (WHERE d.action = 'close')::int AS close,
       count(*) FILTER (WHERE d.action = 'escalate')::int AS escalate, count(*) FILTER (WHERE d.action = 'assign')::int AS assign,
       count(*) FILTER (WHERE d.action = 'comment')::int AS comment,
       count(*) FILTER (WHERE d.details->>'falsePositive' = 'true')::int AS "falsePositives"
     FROM decisions d JOIN w USING (workflow_id) WHERE ${BY_PERSON} GROUP BY d.actor ORDER BY decisions DESC, d.actor`,
      p,
    )
  ).rows;

  const rules = (
    await db.query<Omit<NoisyRule, 'falsePositiveRate' | 'suggestions'>>(
      `${COHORT}, r AS (
       SELECT ${RULE_ID} AS rule_id, a.alert->'rule'->>'name' AS rule_name,
         (SELECT d.action FROM decisions d WHERE d.workflow_id = a.workflow_id AND d.step = 'analyst-decision' AND ${BY_PERSON}) AS final,
         EXISTS (SELECT 1 FROM decisions d WHERE d.workflow_id = a.workflow_id AND d.step = 'analyst-decision' AND d.action = 'close'
                 AND d.details->>'falsePositive' = 'true' AND ${BY_PERSON}) AS fp
       FROM w a WHERE ${RULE_ID} IS NOT NULL)
     SELECT rule_id AS "ruleId", min(rule_name) AS "ruleName", count(*)::int AS alerts,
       count(final)::int AS "analystDecided", count(*) FILTER (WHERE fp)::int AS "falsePositives"
     FROM r GROUP BY rule_id ORDER BY alerts DESC, rule_id LIMIT $3`,
      [...p, topRules],
    )
  ).rows;

  const suggestions = (
    await db.query<Omit<TuningSuggestion, 'expectedReduction'> & { ruleId: string }>(
      `${COHORT} SELECT s.id::text, s.match, s.reason, s.match->>'ruleId' AS "ruleId",
       (SELECT count(*)::int FROM w a WHERE a.suppressed_by IS NULL AND ${SUPPRESSION_MATCHES}) AS "wouldSuppress"
     FROM suppressions s WHERE s.status = 'candidate' AND lower(s.match->>'ruleId') = ANY($3) ORDER BY "wouldSuppress" DESC, s.id`,
      [...p, rules.map((r) => r.ruleId.toLowerCase())],
    )
  ).rows;

  const noisyRules = rules.map((r) => ({
    ...r,
    falsePositiveRate: ratio(r.falsePositives, r.analystDecided),
    suggestions: suggestions
      .filter((s) => s.ruleId.toLowerCase() === r.ruleId.toLowerCase())
      .map(({ ruleId: _rule, ...s }) => ({ ...s, expectedReduction: s.wouldSuppress / r.alerts })),
  }));

  const containment = (
    await db.query<ContainmentSummary>(
      `${COHORT} SELECT x.kind, count(*)::int AS actions,
       count(*) FILTER (WHERE x.approved_by LIKE 'system:%')::int AS automatic,
       count(*) FILTER (WHERE x.status = 'failed')::int AS failed,
       count(*) FILTER (WHERE x.status IN ('undone', 'undo recorded for manual action'))::int AS undone
     FROM response_actions x JOIN w USING (workflow_id) GROUP BY x.kind ORDER BY actions DESC, x.kind`,
      p,
    )
  ).rows;

  const [{ incidents }] = (
    await db.query<{ incidents: number }>(`${COHORT} SELECT count(DISTINCT incident_id)::int AS incidents FROM w`, p)
  ).rows;
  const storms = (
    await db.query<Storm>(
      `${COHORT} SELECT i.id AS "incidentId", i.correlation_key AS "correlationKey", count(*)::int AS alerts,
       to_char(min(a.received_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS first,
       to_char(max(a.received_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last
     FROM w a JOIN incidents i ON i.id = a.incident_id WHERE i.storm GROUP BY i.id ORDER BY alerts DESC, i.id`,
      p,
    )
  ).rows;

  const analyzerErrors = await counts(
    `SELECT f->>'analyzer' AS key, count(*)::int AS count FROM w a, jsonb_array_elements(coalesce(a.findings, '[]')) f
     WHERE coalesce(f->>'error', '') <> '' GROUP BY 1 ORDER BY count DESC, key`,
  );
  const notificationFailures = await counts(
    `SELECT n.channel || ' ' || n.status AS key, count(*)::int AS count FROM notifications n JOIN w USING (workflow_id)
     WHERE n.status IN ('failed', 'unknown') GROUP BY 1 ORDER BY count DESC, key`,
  );

  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    volume: { total, suppressed, bySource, byFormat, bySourceAndFormat, bySeverity },
    dispositions,
    autoClose: { closed: autoClosed, triaged, rate: ratio(autoClosed, triaged) },
    times,
    slaBreaches,
    analysts,
    noisyRules,
    containment,
    incidents,
    storms,
    health: { untriaged, analyzerErrors, notificationFailures },
  };
}
