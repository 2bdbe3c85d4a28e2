// The indicator model: what the IOC store (store/iocs.ts) keeps and every feed parser
// produces. Its own module so the store and the parsers both depend on it, not on each other.
export type IocType = 'ip' | 'domain' | 'url' | 'hash' | 'email';
export interface Ioc {
  type: IocType;
  value: string;
  verdict: 'malicious' | 'suspicious' | 'benign';
  source: string;
  description?: string;
}

export type FeedVerdict = Ioc['verdict'];

export interface FeedIoc {
  type: IocType;
  value: string;
  verdict: FeedVerdict;
  description?: string;
  tags: string[];
  /** After this instant the indicator no longer counts (STIX valid_until). */
  expiresAt?: Date;
  /** Where the indicator came from inside the feed (MISP attribute uuid, STIX indicator id). */
  externalId?: string;
}
