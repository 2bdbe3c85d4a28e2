// Email analysis: sender authentication (Authentication-Results), sender identity
// (From / Reply-To / Return-Path, display-name spoofing), deceptive links, HTML smuggling
// and lure wording, over a message parsed by postal-mime. Attachments are only listed
// (and HTML ones read for smuggling): file analyzers judge their contents.
import type PostalMime from 'postal-mime';
import type { Finding } from '../../domain/finding';
import { combineScores, type Signal } from '../url';
import { addressSignals, domainOf, exchangeSystemMessage, FREE_MAIL, senderOf, type Sender } from './addresses';
import { becSignals, callbackAndConsentSignals, registrableOrSelf, unsolicitedSignals } from './bec';
import { summarizeAuth, type AuthResult, type AuthSummary } from './auth-results';
import { extractAnchors, HTML_SCAN_CHARS, htmlDocumentSignals, linkMismatchSignals } from './html';
import { htmlToText, lureSignals } from './lures';
import { riskyLinkSignals, scamScriptSignals, throwawaySenderSignals } from './scam';

export const EMAIL_ANALYZER = 'email';
// 2: business e-mail compromise signals (bec.ts); 3: scam signals (scam.ts); 4: Exchange's own system
// messages and replies back into the recipients' organisation are not impersonation.
export const ANALYZER_VERSION = '4';

const SPOOFING = ['T1672']; // Email Spoofing (ATT&CK v17; later versions file it as T1684.002)
const MAX_ATTACHMENTS = 100;

export interface EmailAnalysisOptions {
  /** authserv-ids of the deployment's own mail servers; default: the top-most header's. */
  trustedAuthservIds?: string[];
}

export interface EmailFacts {
  auth: AuthSummary;
  sender: Sender;
  replyTo: string[];
  returnPath?: string;
  mailingList: boolean;
  attachments: { name: string; mimeType: string; size: number }[];
  anchors: number;
  signals: Signal[];
}

function authSignals(auth: AuthSummary): Signal[] {
  const out: Signal[] = [];
  const where = (r: AuthResult, prop: string) => (r.props[prop] ? ` for ${r.props[prop]}` : '');
  if (auth.dmarc?.result === 'fail') {
    out.push({
      id: 'dmarc-fail',
      score: 60,
      what: `DMARC fail${where(auth.dmarc, 'header.from')}: the From domain did not authenticate this message`,
      attack: SPOOFING,
    });
  }
  if (auth.spf?.result === 'fail')
    out.push({
      id: 'spf-fail',
      score: 30,
      what: `SPF fail${where(auth.spf, 'smtp.mailfrom')}: sent from a server the domain does not authorize`,
      attack: SPOOFING,
    });
  else if (auth.spf?.result === 'softfail')
    out.push({ id: 'spf-softfail', score: 15, what: `SPF softfail${where(auth.spf, 'smtp.mailfrom')}`, attack: SPOOFING });
  const dkimPass = auth.dkim.some((r) => r.result === 'pass');
  const dkimFail = auth.dkim.find((r) => r.result === 'fail');
  if (dkimFail && !dkimPass)
    out.push({ id: 'dkim-fail', score: 20, what: `DKIM signature did not verify${where(dkimFail, 'header.d')}`, attack: SPOOFING });
  if (auth.compauth?.result === 'fail') {
    out.push({
      id: 'compauth-fail',
      score: 35,
      what: `Microsoft composite authentication failed${auth.compauth.reason ? ` (reason ${auth.compauth.reason})` : ''}`,
      attack: SPOOFING,
    });
  }
  return out;
}

function describeAuth(auth: AuthSummary): string | undefined {
  const parts = [
    auth.spf && `spf=${auth.spf.result}`,
    ...auth.dkim.slice(0, 3).map((r) => `dkim=${r.result}${r.props['header.d'] ? `(${r.props['header.d']})` : ''}`),
    auth.dmarc && `dmarc=${auth.dmarc.result}`,
    auth.arc && `arc=${auth.arc.result}`,
    auth.compauth && `compauth=${auth.compauth.result}`,
  ].filter(Boolean);
  if (parts.length === 0) return undefined;
  return `authentication (${auth.authservId ?? 'receiving server'}): ${parts.join(' ')}${auth.ignored ? `; ${auth.ignored} header(s) from other servers ignored` : ''}`;
}

const HTML_NAME = /\.(?:s?html?|xhtml|svg|mht(?:ml)?)$/i;
const DOUBLE_EXTENSION =
  /\.(?:pdf|docx?|xlsx?|pptx?|rtf|txt|jpe?g|png|gif|csv|zip)\s*\.(?:s?html?|exe|scr|com|pif|js|jse|vbs|vbe|wsf|hta|lnk|iso|img|vhdx?|bat|cmd|ps1|msi)$/i;

function contentText(content: ArrayBuffer | Uint8Array | string, max: number): string {
  if (typeof content === 'string') return content.slice(0, max);
  // ArrayBuffer.isView, not instanceof: buffers may come from another realm (jest, workers).
  const bytes = ArrayBuffer.isView(content)
    ? new Uint8Array(content.buffer, content.byteOffset, content.byteLength)
    : new Uint8Array(content);
  return new TextDecoder('utf-8').decode(bytes.subarray(0, max));
}

function contentSize(content: ArrayBuffer | Uint8Array | string): number {
  return typeof content === 'string' ? content.length : content.byteLength;
}

function attachmentSignals(attachments: PostalMime.Attachment[]): Signal[] {
  const out: Signal[] = [];
  for (const a of attachments.slice(0, MAX_ATTACHMENTS)) {
    const name = a.filename ?? `(unnamed ${a.mimeType})`;
    if (DOUBLE_EXTENSION.test(name))
      out.push({
        id: 'double-extension',
        score: 40,
        what: `attachment ${name} hides its real type behind a second extension`,
        attack: ['T1036.007'],
      });
    if (HTML_NAME.test(name) || /^(?:text\/html|application\/xhtml|image\/svg)/.test(a.mimeType)) {
      out.push({
        id: 'html-attachment',
        score: 30,
        what: `attachment ${name} is a web page (opens in the browser, outside mail filters)`,
        attack: ['T1566.001'],
      });
      out.push(...htmlDocumentSignals(contentText(a.content, HTML_SCAN_CHARS), `attachment ${name}`, true));
    }
  }
  return out;
}

/** Every fact and signal the analyzer derives from one parsed message. */
export function inspectEmail(parsed: PostalMime.Email, options: EmailAnalysisOptions = {}): EmailFacts {
  if (!parsed || !Array.isArray(parsed.headers)) throw new Error('not a parsed email: headers missing');
  const header = (key: string) => parsed.headers.filter((h) => h.key === key).map((h) => h.value);
  const auth = summarizeAuth(header('authentication-results'), options.trustedAuthservIds);
  const sender = senderOf(header('from')[0], parsed.from);
  const replyTo = (parsed.replyTo ?? [])
    .flatMap((a) => (a.group ? a.group : [a]))
    .map((m) => m.address)
    .filter((a): a is string => !!a && a.includes('@'));
  const returnPath = parsed.returnPath?.replace(/^<|>$/g, '') || undefined;
  const mailingList = header('list-id').length > 0 || header('list-post').length > 0 || header('mailing-list').length > 0;
  const html = parsed.html ?? '';
  const anchors = html ? extractAnchors(html) : [];
  const attachments = parsed.attachments ?? [];

  const recipientDomains = [...(parsed.to ?? []), ...(parsed.cc ?? [])]
    .flatMap((a) => (a.group ? a.group : [a]))
    .map((m) => registrableOrSelf(domainOf(m.address)))
    .filter((d): d is string => !!d)
    .slice(0, 20);
  const inReplyTo = [...header('in-reply-to'), ...header('references')].map((v) => v.slice(0, 4096));
  const freeMail = !!sender.registrable && FREE_MAIL.has(sender.registrable);
  const text = parsed.text || (html ? htmlToText(html) : '');
  const lures = lureSignals(parsed.subject, text);
  const signals = [
    ...authSignals(auth),
    ...addressSignals({
      sender,
      replyTo,
      returnPath,
      mailingList,
      recipientDomains,
      exchangeSystem: exchangeSystemMessage(sender.address, header('x-ms-exchange-organization-authas')),
    }),
    ...linkMismatchSignals(anchors),
    ...(html ? htmlDocumentSignals(html, 'message body', false) : []),
    ...attachmentSignals(attachments),
    ...lures,
    ...becSignals({
      subject: parsed.subject,
      text,
      senderDomain: sender.registrable,
      senderDisplayName: sender.displayName,
      recipientDomains,
      inReplyTo,
      freeMail,
    }),
    ...unsolicitedSignals({
      subject: parsed.subject,
      displayName: sender.displayName,
      senderDomain: sender.registrable,
      recipientDomains,
      inReplyTo,
      mailingList,
      freeMail,
      authenticated: auth.dmarc?.result === 'pass',
      lure: lures.length > 0,
      attachmentNames: attachments.slice(0, MAX_ATTACHMENTS).map((a) => a.filename ?? ''),
    }),
    ...throwawaySenderSignals(sender.address),
    ...riskyLinkSignals(
      [...anchors.map((a) => a.href), ...((parsed.text ?? '').slice(0, 64 * 1024).match(/https?:\/\/[^\s<>"']{1,2048}/gi) ?? [])],
      sender.registrable,
    ),
    ...scamScriptSignals(parsed.subject, text),
    ...callbackAndConsentSignals(
      text,
      html,
      !mailingList && !inReplyTo.some((id) => recipientDomains.some((d) => id.toLowerCase().includes(d))),
    ),
  ];
  return {
    auth,
    sender,
    replyTo,
    returnPath,
    mailingList,
    anchors: anchors.length,
    signals,
    attachments: attachments
      .slice(0, MAX_ATTACHMENTS)
      .map((a) => ({ name: a.filename ?? '', mimeType: a.mimeType, size: contentSize(a.content) })),
  };
}

export function analyzeEmail(parsed: PostalMime.Email, options: EmailAnalysisOptions = {}): Finding {
  let facts: EmailFacts;
  try {
    facts = inspectEmail(parsed, options);
  } catch (err) {
    return {
      analyzer: EMAIL_ANALYZER,
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: 'email analysis failed',
      evidence: [],
      attack: [],
      error: err instanceof Error ? err.message : String(err),
    };
  }
  const { signals } = facts;
  const score = combineScores(signals.map((s) => s.score));
  const authLine = describeAuth(facts.auth);
  const attachmentLine = facts.attachments.length
    ? `attachments (for the file analyzers): ${facts.attachments
        .slice(0, 20)
        .map((a) => `${a.name || '(unnamed)'} [${a.mimeType}, ${a.size} B]`)
        .join(', ')}`
    : undefined;
  const evidence = [
    ...[...signals].sort((a, b) => b.score - a.score).map((s) => s.what),
    ...(authLine ? [authLine] : []),
    ...(attachmentLine ? [attachmentLine] : []),
  ].slice(0, 40);
  const top = [...signals]
    .sort((a, b) => b.score - a.score)
    .slice(0, 3)
    .map((s) => s.id);
  return {
    analyzer: EMAIL_ANALYZER,
    verdict: score >= 70 ? 'malicious' : score >= 35 ? 'suspicious' : 'benign',
    score,
    confidence: authLine ? 0.7 : 0.55,
    summary: signals.length
      ? `score ${score} from ${signals.length} signal(s), strongest: ${top.join(', ')}`
      : `no phishing traits found in the message from ${facts.sender.address ?? '(unknown sender)'}`,
    evidence,
    attack: [...new Set(signals.filter((s) => s.score >= 20).flatMap((s) => s.attack))].sort(),
  };
}
