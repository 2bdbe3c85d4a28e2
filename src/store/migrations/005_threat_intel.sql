-- Threat intel: feed metadata on the local IOC store, and a TTL cache of online lookups
-- (VirusTotal, AbuseIPDB, URLhaus, urlscan.io) so an indicator is not asked about twice a day.

-- Tags from the feed (MISP tags, STIX labels/indicator_types, URLhaus tags), when the
-- indicator stops counting (STIX valid_until; importers prune expired rows), and its id there.
ALTER TABLE iocs ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
ALTER TABLE iocs ADD COLUMN expires_at timestamptz;
ALTER TABLE iocs ADD COLUMN external_id text;
ALTER TABLE iocs ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX iocs_expires_at ON iocs (expires_at) WHERE expires_at IS NOT NULL;

-- One provider's normalized verdict on one indicator; a row past expires_at is a miss.
CREATE TABLE intel_cache (
  provider        text NOT NULL,
  indicator_type  text NOT NULL CHECK (indicator_type IN ('ip', 'domain', 'url', 'hash', 'email')),
  indicator_value text NOT NULL,
  verdict         jsonb NOT NULL,
  fetched_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  PRIMARY KEY (provider, indicator_type, indicator_value)
);
CREATE INDEX intel_cache_expires_at ON intel_cache (expires_at);
