-- Ingest: API tokens (stored as sha256, never in clear), an audit log of API calls,
-- suppression rules, and incidents that correlate alerts.

CREATE TABLE api_tokens (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  token_sha256  text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  roles         text[] NOT NULL,
  -- For ingest tokens: the source this token speaks for (alerts from it must name it).
  source        text,
  -- Optional HMAC-SHA256 key for body signatures; a shared secret, so it is kept as given.
  hmac_secret   text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz
);

CREATE TABLE audit_log (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text NOT NULL,
  action    text NOT NULL,
  target    text,
  outcome   text NOT NULL,
  detail    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE suppressions (
  id          bigserial PRIMARY KEY,
  status      text NOT NULL CHECK (status IN ('candidate', 'active', 'retired')),
  -- Every field present in match must equal the alert's: source, ruleId, host, user, hash.
  match       jsonb NOT NULL,
  reason      text NOT NULL,
  created_by  text NOT NULL,
  hits        integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz
);

CREATE TABLE incidents (
  id            text PRIMARY KEY,
  correlation_key text NOT NULL,
  alert_count   integer NOT NULL DEFAULT 0,
  storm         boolean NOT NULL DEFAULT false,
  primary_alert text,
  opened_at     timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE alerts ADD COLUMN incident_id text;
ALTER TABLE alerts ADD COLUMN suppressed_by bigint REFERENCES suppressions(id);

-- Storm control: recent look-alike alerts per similarity key (pruned past the window).
CREATE TABLE similar_alerts (
  similarity_key text NOT NULL,
  workflow_id    text NOT NULL,
  seen_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (similarity_key, workflow_id)
);
CREATE INDEX similar_alerts_recent ON similar_alerts (similarity_key, seen_at);
