// Top-level domains whose registrations are disproportionately abused, so a domain under
// one of them starts with a little suspicion (never enough for a verdict on its own).
//
// Source: TLDs that recur in Spamhaus's "World's Most Abused TLDs" rankings
// (spamhaus.org/reputation-statistics, 2016-2024 snapshots) and in Interisle Consulting's
// "Phishing Landscape" reports (2022-2024), plus the former Freenom free TLDs (.tk .ml .ga
// .cf .gq) and .zip/.mov, which read like file names in lures; .site, .best and .fit recur as the
// link targets of the project's phishing corpus (cheap new registrations). A snapshot: review yearly.

export const RISKY_TLDS: ReadonlySet<string> = new Set([
  'top',
  'xyz',
  'click',
  'link',
  'work',
  'gdn',
  'loan',
  'date',
  'men',
  'download',
  'review',
  'country',
  'stream',
  'racing',
  'win',
  'bid',
  'kim',
  'science',
  'party',
  'trade',
  'accountant',
  'cricket',
  'faith',
  'icu',
  'buzz',
  'cyou',
  'cfd',
  'sbs',
  'rest',
  'bond',
  'monster',
  'quest',
  'surf',
  'tokyo',
  'zip',
  'mov',
  'tk',
  'ml',
  'ga',
  'cf',
  'gq',
  'site',
  'best',
  'fit',
]);
