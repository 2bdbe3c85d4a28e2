// The actions a response can take: a module of its own, with no imports, so the decision
// schema and the policy rules can share the list without importing each other.
export const RESPONSE_KINDS = ['isolate_host', 'block_hash', 'block_domain', 'block_ip', 'block_url', 'disable_user', 'revoke_sessions', 'quarantine_email'] as const;
export type ResponseKind = (typeof RESPONSE_KINDS)[number];
