-- The analyst loop: case assignees, notification delivery records, tuning suggestions.

ALTER TABLE cases ADD COLUMN assignee text;

-- One row per (alert, notification event, channel): a retried activity never sends twice.
CREATE TABLE notifications (
  workflow_id  text NOT NULL,
  event_key    text NOT NULL,
  channel      text NOT NULL,
  status       text NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
  detail       text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz,
  PRIMARY KEY (workflow_id, event_key, channel)
);

-- Tuning suggestions are candidate suppressions; one candidate per distinct pattern.
ALTER TABLE suppressions ADD COLUMN suggestion_key text;
CREATE UNIQUE INDEX suppressions_one_candidate_per_pattern ON suppressions (suggestion_key) WHERE status = 'candidate';
ALTER TABLE suppressions ADD COLUMN accepted_by text;
ALTER TABLE suppressions ADD COLUMN accepted_at timestamptz;

-- Which alert fed which suggestion: counted once however often the activity retries.
CREATE TABLE tuning_events (
  workflow_id    text PRIMARY KEY,
  suppression_id bigint NOT NULL REFERENCES suppressions(id),
  reason         text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
