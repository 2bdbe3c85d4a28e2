-- Firewall External Dynamic Lists served by the API (/v1/blocklists/<list>, issue 13): the
-- saga's block_ip / block_domain / block_url add an entry per (list, value, alert), undo
-- deletes the alert's entry; a value is listed while any alert's entry for it is unexpired.
CREATE TABLE IF NOT EXISTS blocklist_entries (
  list         text        NOT NULL CHECK (list IN ('ip', 'domain', 'url')),
  value        text        NOT NULL CHECK (length(value) BETWEEN 1 AND 2048 AND value !~ '[[:space:]]'),
  workflow_id  text        NOT NULL,
  approved_by  text        NOT NULL,
  added_at     timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (list, value, workflow_id)
);
CREATE INDEX IF NOT EXISTS blocklist_entries_serving ON blocklist_entries (list, expires_at);
