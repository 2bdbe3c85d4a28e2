-- Idempotency for connectors that start work on other systems: a sandbox task per
-- (workflow, sample) so a retried detonation polls the task it already submitted, and an
-- EDR fetch per (workflow, connector, host, path) so a retry resumes or reuses the remote
-- command instead of running it again.

CREATE TABLE sandbox_tasks (
  workflow_id  text NOT NULL,
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  sandbox      text NOT NULL DEFAULT 'cape',
  task_id      bigint NOT NULL CHECK (task_id > 0),
  -- The sandbox's own task status as last seen (CAPE: pending, running, reported, failed_analysis...).
  state        text NOT NULL,
  submitted_at timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, sha256)
);

CREATE TABLE edr_fetches (
  -- JSON array [workflow_id, connector, host_id, path]: unambiguous and readable.
  idempotency_key text PRIMARY KEY,
  workflow_id     text NOT NULL,
  connector       text NOT NULL CHECK (connector IN ('falcon', 'defender')),
  host_id         text NOT NULL,
  path            text NOT NULL,
  state           text NOT NULL CHECK (state IN ('started', 'done', 'failed')),
  -- Where the remote command got to (Falcon session + cloud request id, Defender machine action id).
  remote_ref      jsonb,
  -- The EvidenceRef of the collected file once state = 'done'.
  evidence        jsonb,
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX edr_fetches_workflow_id ON edr_fetches (workflow_id);
