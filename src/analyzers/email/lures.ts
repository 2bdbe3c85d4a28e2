// Lure wording: the pressure phishing puts on the reader (urgency, account threats,
// payment, prizes, parcels). Ordinary mail uses these words too, so each theme adds only a
// little and the total stays modest: wording supports other evidence, it never decides.
//
// Phrases are curated from the themes named in APWG and Proofpoint phishing reports and
// from the lures in the project's phishing corpus, in English, German, French, Spanish,
// Portuguese, Dutch and Italian (the corpus' languages).
import type { Signal } from '../url';

interface LureTheme {
  id: string;
  what: string;
  re: RegExp;
}

const THEMES: LureTheme[] = [
  {
    id: 'urgency',
    what: 'urgency or deadline',
    re: /\b(?:urgent(?:ly)?|immediately|action required|final (?:notice|warning|reminder)|within (?:24|48|72) hours|last chance|expires? (?:today|soon)|dringend|sofort|letzte (?:mahnung|chance|warnung)|innerhalb von (?:24|48) stunden|imm[ée]diatement|derni[eè]re chance|action requise|urgente|inmediatamente|[uú]ltima oportunidad|imediatamente|[uú]ltimo aviso|dringend|onmiddellijk|laatste kans|immediatamente|ultimo avviso)\b/i,
  },
  {
    id: 'account-threat',
    what: 'account suspension or verification',
    re: /\b(?:verify your (?:account|identity|email)|confirm your (?:account|identity|details)|account (?:has been |will be |was )?(?:suspended|locked|disabled|limited|closed|deactivated)|unusual (?:sign[- ]?in|login|activity)|password (?:expires?|expired|reset)|reset your password|sign[- ]?in attempt|login attempt|konto (?:wurde )?(?:gesperrt|eingeschr[äa]nkt)|passwort|best[äa]tigen sie|compte (?:suspendu|bloqu[ée])|mot de passe|v[ée]rifiez votre|cuenta (?:suspendida|bloqueada)|contrase[ñn]a|verifique su|conta (?:suspensa|bloqueada)|senha|novo acesso|account (?:geblokkeerd|opgeschort)|wachtwoord|account sospeso|verifica il tuo)\b/i,
  },
  {
    id: 'payment',
    what: 'invoice, payment or refund',
    re: /\b(?:invoice|overdue|payment (?:failed|declined|on hold|required|pending)|wire transfer|remittance|refund|billing (?:problem|issue|information)|purchase order|rechnung|zahlung|[üu]berweisung|r[üu]ckerstattung|facture|paiement|remboursement|factura|pago pendiente|reembolso|fatura|pagamento|boleto|factuur|betaling|fattura|pagamento)\b/i,
  },
  {
    id: 'prize',
    what: 'prize, gift or windfall',
    re: /\b(?:you(?:'ve| have)? won|winner|congratulations|claim your (?:prize|reward|gift)|gift ?card|free (?:spins|gift|iphone)|airdrop|donation of|bitcoin|crypto(?:currency)?|gewonnen|gewinner|gutschein|herzlichen gl[üu]ckwunsch|gagnant|f[ée]licitations|ganador|felicidades|ganhou|parab[ée]ns|gewonnen|gefeliciteerd|hai vinto|congratulazioni)\b/i,
  },
  {
    id: 'delivery',
    what: 'parcel delivery problem',
    re: /\b(?:(?:parcel|package|shipment|delivery) (?:is )?(?:on hold|pending|failed|could not be delivered|held|awaiting)|customs fee|redelivery|paket|zustellung|colis|livraison|paquete|env[ií]o retenido|encomenda|retid[oa] na alf[âa]ndega|pakket|spedizione)\b/i,
  },
];

const SCAN_CHARS = 64 * 1024;

/** Lure themes found in the subject and body text; one modest signal carrying all of them. */
export function lureSignals(subject: string | undefined, bodyText: string | undefined): Signal[] {
  const text = `${subject ?? ''}\n${(bodyText ?? '').slice(0, SCAN_CHARS)}`.normalize('NFKC');
  const hits = THEMES.filter((t) => t.re.test(text));
  if (hits.length === 0) return [];
  return [
    {
      id: 'lure-wording',
      score: Math.min(20, 8 * hits.length),
      what: `lure wording: ${hits.map((h) => h.what).join('; ')}`,
      attack: ['T1566'],
    },
  ];
}

/** Plain text of an HTML body, for wording checks (script and style content dropped, in one pass). */
export function htmlToText(html: string): string {
  const src = html.slice(0, 2 * SCAN_CHARS);
  const open = /<(script|style)\b/gi;
  const close = { script: /<\/script/gi, style: /<\/style/gi };
  let out = '';
  let i = 0;
  while (i < src.length) {
    open.lastIndex = i;
    const m = open.exec(src);
    if (!m) {
      out += src.slice(i);
      break;
    }
    out += src.slice(i, m.index);
    const closer = close[m[1].toLowerCase() as 'script' | 'style'];
    closer.lastIndex = m.index;
    const end = closer.exec(src);
    i = end ? end.index + end[0].length : src.length;
  }
  return out
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/\s+/g, ' ');
}
