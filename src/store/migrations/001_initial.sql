-- autosoc's first schema: alerts, evidence, cases, the decision audit trail, response
-- actions, reports and a local IOC store. Every side effect is keyed by workflow id + step.

CREATE TABLE alerts (
  workflow_id   text PRIMARY KEY,
  source        text NOT NULL,
  source_id     text NOT NULL,
  severity      text NOT NULL,
  title         text NOT NULL,
  alert_time    timestamptz NOT NULL,
  alert         jsonb NOT NULL,
  observables   jsonb,
  findings      jsonb,
  score         integer,
  verdict       text,
  disposition   text,
  reasons       jsonb,
  status        text NOT NULL DEFAULT 'open',
  received_at   timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, source_id)
);

-- Content-addressed blobs: workflows carry the sha256, never the bytes.
CREATE TABLE evidence (
  sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  media_type  text NOT NULL,
  size_bytes  bigint NOT NULL,
  content     bytea NOT NULL,
  stored_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alert_evidence (
  workflow_id text NOT NULL REFERENCES alerts(workflow_id),
  sha256      text NOT NULL REFERENCES evidence(sha256),
  kind        text NOT NULL,
  PRIMARY KEY (workflow_id, sha256)
);

CREATE TABLE cases (
  id               bigserial PRIMARY KEY,
  workflow_id      text NOT NULL UNIQUE REFERENCES alerts(workflow_id),
  tier             text NOT NULL,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  proposed_actions jsonb NOT NULL DEFAULT '[]',
  resolution       text,
  closed_by        text,
  close_reason     text,
  opened_at        timestamptz NOT NULL DEFAULT now(),
  closed_at        timestamptz
);

-- Append-only audit trail of every decision and escalation, human or automatic.
CREATE TABLE decisions (
  id           bigserial PRIMARY KEY,
  workflow_id  text NOT NULL REFERENCES alerts(workflow_id),
  step         text NOT NULL,
  action       text NOT NULL,
  actor        text NOT NULL,
  reason       text NOT NULL,
  details      jsonb NOT NULL DEFAULT '{}',
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workflow_id, step)
);

CREATE FUNCTION decisions_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'decisions is an append-only audit trail';
END $$;
CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions
  FOR EACH ROW EXECUTE FUNCTION decisions_are_append_only();

CREATE TABLE response_actions (
  workflow_id  text NOT NULL REFERENCES alerts(workflow_id),
  kind         text NOT NULL,
  target       text NOT NULL,
  status       text NOT NULL,
  approved_by  text NOT NULL,
  connector    text NOT NULL,
  detail       text,
  executed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, kind, target)
);

CREATE TABLE reports (
  id          bigserial PRIMARY KEY,
  workflow_id text NOT NULL REFERENCES alerts(workflow_id),
  kind        text NOT NULL,
  format      text NOT NULL,
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workflow_id, kind)
);

-- Local threat intel: indicators known good or bad (feeds import into it).
CREATE TABLE iocs (
  type        text NOT NULL CHECK (type IN ('ip', 'domain', 'url', 'hash', 'email')),
  value       text NOT NULL,
  verdict     text NOT NULL CHECK (verdict IN ('malicious', 'suspicious', 'benign')),
  source      text NOT NULL,
  description text,
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (type, value)
);
