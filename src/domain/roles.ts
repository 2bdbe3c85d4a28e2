// Who may do what. Roles come from the caller's API token; workflows check them again.
// intel: reads the shared intel (the TAXII collection) and nothing else, for MISP or OpenCTI.
// firewall: one token per firewall, allowed only to pull the blocklists (/v1/blocklists/…).
export const ROLES = ['ingest', 'analyst', 'engineer', 'admin', 'intel', 'firewall'] as const;
export type Role = (typeof ROLES)[number];
