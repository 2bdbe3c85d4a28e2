// General-purpose public URL shorteners and IP-logger redirectors: a link through one of
// them hides its destination from the reader (and from filters that judge the domain).
//
// Source: a curated subset of github.com/PeterDaveHello/url-shorteners `list` (CC BY-SA 4.0),
// keeping open services anyone can create links on and leaving out brand vanity domains
// (amzn.to, aka.ms, youtu.be), whose links only point at their own brand.

export const URL_SHORTENERS: ReadonlySet<string> = new Set([
  'bit.ly',
  'bitly.com',
  'j.mp',
  'tinyurl.com',
  't.co',
  'goo.gl',
  'is.gd',
  'v.gd',
  'ow.ly',
  'buff.ly',
  'cutt.ly',
  'cutt.us',
  'rb.gy',
  'shorturl.at',
  'shorturl.asia',
  't.ly',
  'tiny.cc',
  'tiny.one',
  'rebrand.ly',
  'bl.ink',
  's.id',
  'clck.ru',
  'surl.li',
  'x.gd',
  'qrco.de',
  'short.gy',
  'tny.im',
  'adf.ly',
  'ouo.io',
  'bc.vc',
  'dub.sh',
  'smarturl.it',
  'urlz.fr',
  'lnkd.in',
  'shorturl.com',
  'tinyurl.mobi',
  'ity.im',
  'u.to',
  'soo.gd',
  'shrtco.de',
  '2u.pw',
]);

/** Redirectors that record the visitor's address: used to fingerprint victims. */
export const IP_LOGGERS: ReadonlySet<string> = new Set([
  'iplogger.org',
  'iplogger.com',
  'iplogger.info',
  'iplogger.ru',
  'iplogger.co',
  'ipgrabber.ru',
  'ipgraber.ru',
  '2no.co',
  'grabify.link',
]);
