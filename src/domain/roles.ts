// Who may do what. Roles come from the caller's API token; workflows check them again.
// intel: reads the shared intel (the TAXII collection) and nothing else, for MISP or OpenCTI.
export const ROLES = ['ingest', 'analyst', 'engineer', 'admin', 'intel'] as const;
export type Role = (typeof ROLES)[number];
