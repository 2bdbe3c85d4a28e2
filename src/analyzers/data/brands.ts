// Brands that phishing impersonates most often, with the registrable domains each brand
// really uses (so mail and links from them are not flagged as lookalikes).
//
// Source: the brands named in public phishing-brand rankings — Check Point Research's
// quarterly "Brand Phishing Report" (2023-2024), Vade's "Phishers' Favorites" (2023) and
// APWG's "Phishing Activity Trends" reports — plus regional brands seen in the project's
// phishing corpus (rf-peixoto/phishing_pot: DHL/DPD/GLS parcels, Mercado Pago, Itaú,
// Correios). Legitimate domains are those each brand publishes for its own service and mail.
// Curated, not exhaustive: extend it per deployment.

export interface ProtectedBrand {
  /** Human name, used in evidence lines. */
  name: string;
  /**
   * Second-level labels compared against a domain's label (typosquats, homoglyphs,
   * brand + word). Dictionary words ("office", "live", "apple") are matched exactly only.
   */
  labels: string[];
  /** Words that name the brand in a display name (compared on the homoglyph skeleton, as whole words). */
  names: string[];
  /** Registrable domains the brand really owns. */
  domains: string[];
}

export const PROTECTED_BRANDS: readonly ProtectedBrand[] = [
  {
    name: 'PayPal',
    labels: ['paypal'],
    names: ['paypal'],
    domains: ['paypal.com', 'paypal.me', 'paypalobjects.com', 'paypal-communication.com'],
  },
  {
    name: 'Microsoft',
    labels: ['microsoft', 'microsoftonline', 'office365', 'office', 'outlook', 'hotmail', 'onedrive', 'sharepoint', 'live'],
    names: ['microsoft', 'office 365', 'office365', 'microsoft 365', 'outlook', 'hotmail', 'onedrive', 'sharepoint'],
    domains: [
      'microsoft.com',
      'microsoftonline.com',
      'office.com',
      'office365.com',
      'office.net',
      'live.com',
      'outlook.com',
      'hotmail.com',
      'msn.com',
      'sharepoint.com',
      'sharepointonline.com',
      'onedrive.com',
      'microsoft365.com',
      'azure.com',
      'windows.net',
      'bing.com',
      'skype.com',
      'msft.net',
      'microsoftstore.com',
      'xbox.com',
      'outlook.fr',
      'outlook.de',
      'outlook.es',
      'outlook.it',
      'outlook.com.br',
      'hotmail.fr',
      'hotmail.de',
      'hotmail.co.uk',
      'hotmail.it',
      'hotmail.es',
      'live.fr',
      'live.de',
      'live.co.uk',
      'live.it',
      'live.nl',
      'live.com.mx',
    ],
  },
  {
    name: 'Apple',
    labels: ['apple', 'icloud', 'itunes', 'appleid'],
    names: ['apple', 'icloud', 'itunes', 'apple id', 'apple pay'],
    domains: ['apple.com', 'icloud.com', 'me.com', 'mac.com', 'apple.news', 'itunes.com'],
  },
  {
    name: 'Amazon',
    labels: ['amazon', 'primevideo'],
    names: ['amazon', 'prime video', 'amazon prime'],
    domains: [
      'amazon.com',
      'amazon.co.uk',
      'amazon.de',
      'amazon.fr',
      'amazon.it',
      'amazon.es',
      'amazon.nl',
      'amazon.ca',
      'amazon.com.br',
      'amazon.com.mx',
      'amazon.co.jp',
      'amazon.in',
      'amazon.com.au',
      'amazonaws.com',
      'amazonses.com',
      'primevideo.com',
      'a2z.com',
      'amazon.jobs',
    ],
  },
  {
    name: 'Google',
    labels: ['google', 'gmail', 'youtube'],
    names: ['google', 'gmail', 'youtube'],
    domains: [
      'google.com',
      'gmail.com',
      'googlemail.com',
      'youtube.com',
      'googleusercontent.com',
      'googleapis.com',
      'gstatic.com',
      'withgoogle.com',
      'google.de',
      'google.co.uk',
      'google.com.br',
      'googleadservices.com',
      'googlesyndication.com',
      'googletagmanager.com',
      'google-analytics.com',
      'googlevideo.com',
      'googleblog.com',
      'youtube-nocookie.com',
    ],
  },
  {
    name: 'Meta/Facebook',
    labels: ['facebook', 'instagram', 'whatsapp'],
    names: ['facebook', 'instagram', 'whatsapp', 'meta business'],
    domains: ['facebook.com', 'fb.com', 'facebookmail.com', 'meta.com', 'instagram.com', 'whatsapp.com', 'whatsapp.net', 'messenger.com'],
  },
  { name: 'LinkedIn', labels: ['linkedin'], names: ['linkedin'], domains: ['linkedin.com', 'licdn.com'] },
  { name: 'Netflix', labels: ['netflix'], names: ['netflix'], domains: ['netflix.com', 'netflix.net'] },
  {
    name: 'DHL',
    labels: ['dhl'],
    names: ['dhl'],
    domains: ['dhl.com', 'dhl.de', 'dhl.co.uk', 'dhl.fr', 'dhl.nl', 'dhl.es', 'dhl.it', 'dpdhl.com', 'deutschepost.de', 'dhlparcel.nl'],
  },
  { name: 'FedEx', labels: ['fedex'], names: ['fedex'], domains: ['fedex.com'] },
  { name: 'UPS', labels: ['ups'], names: ['ups'], domains: ['ups.com'] },
  { name: 'USPS', labels: ['usps'], names: ['usps'], domains: ['usps.com', 'usps.gov'] },
  { name: 'DPD', labels: ['dpd'], names: ['dpd'], domains: ['dpd.com', 'dpd.de', 'dpd.co.uk', 'dpd.fr', 'dpdgroup.com'] },
  { name: 'GLS', labels: ['gls'], names: ['gls'], domains: ['gls-group.com', 'gls-group.eu', 'gls-pakete.de'] },
  { name: 'Royal Mail', labels: ['royalmail'], names: ['royal mail'], domains: ['royalmail.com', 'royalmail.co.uk'] },
  { name: 'Correios', labels: ['correios'], names: ['correios'], domains: ['correios.com.br'] },
  { name: 'DocuSign', labels: ['docusign'], names: ['docusign'], domains: ['docusign.com', 'docusign.net'] },
  { name: 'Dropbox', labels: ['dropbox'], names: ['dropbox'], domains: ['dropbox.com', 'dropboxmail.com'] },
  { name: 'Adobe', labels: ['adobe'], names: ['adobe'], domains: ['adobe.com', 'adobesign.com', 'adobelogin.com'] },
  { name: 'WeTransfer', labels: ['wetransfer'], names: ['wetransfer'], domains: ['wetransfer.com'] },
  {
    name: 'Chase',
    labels: ['chase', 'jpmorganchase'],
    names: ['chase bank', 'jpmorgan chase'],
    domains: ['chase.com', 'jpmorganchase.com', 'jpmorgan.com'],
  },
  { name: 'Wells Fargo', labels: ['wellsfargo'], names: ['wells fargo'], domains: ['wellsfargo.com', 'wf.com'] },
  { name: 'Bank of America', labels: ['bankofamerica'], names: ['bank of america'], domains: ['bankofamerica.com', 'bofa.com'] },
  { name: 'Citi', labels: ['citibank'], names: ['citibank'], domains: ['citi.com', 'citibank.com'] },
  { name: 'Capital One', labels: ['capitalone'], names: ['capital one'], domains: ['capitalone.com'] },
  {
    name: 'American Express',
    labels: ['americanexpress', 'amex'],
    names: ['american express', 'amex'],
    domains: ['americanexpress.com', 'aexp.com'],
  },
  { name: 'HSBC', labels: ['hsbc'], names: ['hsbc'], domains: ['hsbc.com', 'hsbc.co.uk'] },
  {
    name: 'Santander',
    labels: ['santander'],
    names: ['santander'],
    domains: ['santander.com', 'santander.co.uk', 'santander.com.br', 'santander.de'],
  },
  { name: 'Sparkasse', labels: ['sparkasse'], names: ['sparkasse'], domains: ['sparkasse.de'] },
  { name: 'Itaú', labels: ['itau'], names: ['itau', 'itaucard'], domains: ['itau.com.br'] },
  {
    name: 'Mercado Pago',
    labels: ['mercadopago', 'mercadolivre', 'mercadolibre'],
    names: ['mercado pago', 'mercado livre', 'mercado libre'],
    domains: ['mercadopago.com', 'mercadopago.com.br', 'mercadolivre.com.br', 'mercadolibre.com'],
  },
  { name: 'Coinbase', labels: ['coinbase'], names: ['coinbase'], domains: ['coinbase.com'] },
  { name: 'Binance', labels: ['binance'], names: ['binance'], domains: ['binance.com'] },
  { name: 'Ledger', labels: ['ledger'], names: ['ledger'], domains: ['ledger.com'] },
  { name: 'MetaMask', labels: ['metamask'], names: ['metamask'], domains: ['metamask.io'] },
  { name: 'eBay', labels: ['ebay'], names: ['ebay'], domains: ['ebay.com', 'ebay.de', 'ebay.co.uk', 'ebay.fr', 'ebay.it'] },
  { name: 'Walmart', labels: ['walmart'], names: ['walmart'], domains: ['walmart.com'] },
  { name: 'Costco', labels: ['costco'], names: ['costco'], domains: ['costco.com', 'costco.ca', 'costco.co.uk'] },
  {
    name: 'Steam',
    labels: ['steampowered', 'steamcommunity'],
    names: ['steam support', 'steam community'],
    domains: ['steampowered.com', 'steamcommunity.com'],
  },
  { name: 'Spotify', labels: ['spotify'], names: ['spotify'], domains: ['spotify.com'] },
  { name: 'Norton', labels: ['norton', 'nortonlifelock'], names: ['norton'], domains: ['norton.com', 'nortonlifelock.com', 'gen.digital'] },
  { name: 'McAfee', labels: ['mcafee'], names: ['mcafee'], domains: ['mcafee.com'] },
  { name: 'Zoom', labels: ['zoom'], names: ['zoom meeting', 'zoom video'], domains: ['zoom.us', 'zoom.com'] },
  { name: 'Yahoo', labels: ['yahoo'], names: ['yahoo'], domains: ['yahoo.com', 'yahoo.co.jp', 'yahoo.de', 'ymail.com'] },
  // A mail provider and a shop whose names mailbox and prize scams borrow.
  {
    name: 'Proton',
    labels: ['protonmail', 'proton'],
    names: ['proton.me', 'protonmail', 'proton mail'],
    domains: ['proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me'],
  },
  { name: 'Temu', labels: ['temu'], names: ['temu'], domains: ['temu.com'] },
  { name: 'Booking.com', labels: ['booking'], names: ['booking.com'], domains: ['booking.com'] },
  {
    name: 'Deutsche Bahn',
    labels: ['deutschebahn', 'bahn'],
    names: ['deutsche bahn'],
    domains: ['bahn.de', 'bahn.com', 'deutschebahn.com'],
  },
  { name: 'Telekom', labels: ['telekom'], names: ['telekom'], domains: ['telekom.de', 'telekom.com', 't-online.de'] },
  { name: 'GitHub', labels: ['github'], names: ['github'], domains: ['github.com', 'githubusercontent.com', 'github.io'] },
];

/**
 * Brand labels that are ordinary words or very short: near misses of these ("offices",
 * "lives", "apply") are too common to call typosquats, so only exact skeleton matches and
 * whole hyphen-separated tokens count.
 */
export const EXACT_ONLY_LABELS: ReadonlySet<string> = new Set([
  'office',
  'live',
  'apple',
  'outlook',
  'chase',
  'ledger',
  'booking',
  'zoom',
  'bahn',
  'norton',
  'adobe',
  'amex',
  // One edit from a common word: binance/finance, telekom/telecom, icloud/cloud, itunes/tunes, appleid/applied.
  'binance',
  'telekom',
  'icloud',
  'itunes',
  'appleid',
  // Digits skeletonize to letters (3→e, 5→s), so edit distances to these mean little.
  'office365',
]);
