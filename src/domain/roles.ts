// Who may do what. Roles come from the caller's API token; workflows check them again.
// firewall: one token per firewall, allowed only to pull the blocklists (/v1/blocklists/…).
export const ROLES = ['ingest', 'analyst', 'engineer', 'admin', 'firewall'] as const;
export type Role = (typeof ROLES)[number];
