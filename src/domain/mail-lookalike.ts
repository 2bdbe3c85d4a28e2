// Look-alikes of the organisation's own and partner mail domains, as the policy states them
// (mailDomains.own/partners): the vendor-invoice and bank-change fraud that imitates a
// supplier the recipients trust, which the email analyzer alone (it knows only the
// recipients' domain) cannot see. Pure: the triage activity and the backtest call it.
import { lookalikeOf } from '../analyzers/email/bec';
import { registrableDomain } from '../analyzers/url';
import type { Finding } from './finding';
import type { Organisation } from './policy';
import type { TriageContext } from './org-context';
import { trimEndChars } from './text-scan';

export const POLICY_LOOKALIKE_ANALYZER = 'mail-lookalike';

const MAX_EMAILS = 20;

/** A finding when a sender's domain imitates an own or partner domain it is not; undefined otherwise. */
export function policyLookalikeFinding(ctx: TriageContext, org: Organisation | undefined): Finding | undefined {
  const own = (org?.mailDomains.own ?? []).map((d) => d.toLowerCase());
  const partners = (org?.mailDomains.partners ?? []).map((d) => d.toLowerCase());
  if (own.length + partners.length === 0) return undefined;
  const known = [...own, ...partners];
  for (const e of ctx.observables.emails.slice(0, MAX_EMAILS)) {
    const at = e.from?.lastIndexOf('@') ?? -1;
    if (!e.from || at < 0) continue;
    const host = trimEndChars(e.from.slice(at + 1).toLowerCase(), '>. \t\n\r\v\f');
    const sender = registrableDomain(host) ?? host;
    // A listed domain (or its subdomain) is never a look-alike of another listed one.
    if (known.some((d) => sender === d || host === d || host.endsWith(`.${d}`))) continue;
    for (const [list, whose] of [
      [own, 'our own'],
      [partners, 'the partner'],
    ] as const) {
      for (const d of list) {
        const how = lookalikeOf(sender, d);
        if (!how) continue;
        return {
          analyzer: POLICY_LOOKALIKE_ANALYZER,
          verdict: 'suspicious',
          score: 60,
          confidence: 0.7,
          summary: `sender domain ${sender} imitates ${whose} mail domain ${d} (${how})`,
          evidence: [`From: ${e.from.slice(0, 320)}`],
          attack: ['T1566', 'T1656'],
        };
      }
    }
  }
  return undefined;
}
