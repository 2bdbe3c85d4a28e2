// The actions a response can take and the connectors that can carry each out: a module of its
// own, with no imports, so the decision schema, the policy and its rules share them without
// importing each other.
export const RESPONSE_KINDS = [
  'isolate_host',
  'block_hash',
  'block_domain',
  'block_ip',
  'block_url',
  'disable_user',
  'revoke_sessions',
  'quarantine_email',
] as const;
export type ResponseKind = (typeof RESPONSE_KINDS)[number];

/** The response connectors (src/connectors/response/) and the actions each can carry out. */
export const RESPONSE_CONNECTORS = {
  manual: RESPONSE_KINDS,
  falcon: ['isolate_host', 'block_hash'],
  defender: ['isolate_host', 'block_hash'],
  entra: ['disable_user', 'revoke_sessions'],
  okta: ['disable_user', 'revoke_sessions'],
  'graph-mail': ['quarantine_email'],
  /** The External Dynamic Lists autosoc serves to firewalls (/v1/blocklists/ip|domain|url). */
  edl: ['block_ip', 'block_domain', 'block_url'],
} as const satisfies Record<string, readonly (typeof RESPONSE_KINDS)[number][]>;
export type ResponseConnectorName = keyof typeof RESPONSE_CONNECTORS;
