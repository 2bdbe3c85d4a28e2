// Who may do what. Roles come from the caller's API token; workflows check them again.
export const ROLES = ['ingest', 'analyst', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];
