// The assessment written without a model: the same facts, in fixed sentences.
import type { Assessment, AssessmentInput } from './assessment';

const list = (values: string[], max = 5) =>
  values.slice(0, max).join(', ') + (values.length > max ? ` and ${values.length - max} more` : '');

export function deterministicAssessment(input: AssessmentInput): Assessment {
  const { triage, findings, observables: o } = input;
  const risky = findings
    .filter((f) => !f.error && (f.verdict === 'malicious' || f.verdict === 'suspicious'))
    .sort((a, b) => b.score - a.score);
  const failed = findings.filter((f) => f.error);
  const entities = [
    o.hosts.length ? `host ${list(o.hosts)}` : '',
    o.users.length ? `user ${list(o.users)}` : '',
    o.hashes.length ? `${o.hashes.length} file hash(es)` : '',
    o.domains.length ? `domain ${list(o.domains)}` : '',
    o.ips.length ? `IP ${list(o.ips)}` : '',
  ].filter(Boolean);

  const summary = [
    `${input.severity} alert "${input.title}" scored ${triage.score}/100 (${triage.verdict}, confidence ${triage.confidence}); disposition: ${triage.disposition}.`,
    risky.length
      ? `Strongest evidence: ${risky[0].summary} (${risky[0].analyzer}).`
      : 'No analyzer found malicious or suspicious evidence.',
    failed.length
      ? `${failed.length} analyzer(s) failed (${list(failed.map((f) => f.analyzer))}); their evidence is missing, which lowers confidence, not risk.`
      : '',
  ]
    .filter(Boolean)
    .join(' ');

  const recommendedActions: string[] = [];
  if (triage.disposition === 'escalate') {
    if (o.hosts.length && triage.verdict !== 'inconclusive')
      recommendedActions.push(`Consider isolating ${list(o.hosts, 3)} after confirming the activity is not sanctioned.`);
    if (o.hashes.length && risky.some((f) => f.verdict === 'malicious'))
      recommendedActions.push('Block the malicious file hashes at the EDR and search for them fleet-wide.');
    if (o.users.length) recommendedActions.push(`Check recent sign-ins and privilege changes of ${list(o.users, 3)}.`);
    if (o.domains.length || o.urls.length) recommendedActions.push('Search proxy and DNS logs for the domains and URLs involved.');
  } else {
    recommendedActions.push('No action needed; if this pattern recurs, accept the tuning suggestion to suppress it.');
  }

  return {
    summary,
    narrative: [
      `Entities involved: ${entities.length ? entities.join('; ') : 'none extracted'}.`,
      ...risky.slice(0, 5).map((f) => `${f.analyzer}: ${f.verdict} (${f.score}) — ${f.summary}`),
    ],
    citedFindings: risky.slice(0, 5).map((f) => f.analyzer),
    recommendedActions,
    openQuestions: failed.map((f) => `Re-run ${f.analyzer}: ${f.error}`),
  };
}
