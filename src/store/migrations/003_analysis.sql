-- Analyzer results cached by (analyzer, analyzer version, object hash): an alert storm
-- analyzes each file and URL once. Assessments: one per alert investigation.

CREATE TABLE analysis_cache (
  analyzer          text NOT NULL,
  analyzer_version  text NOT NULL,
  object_sha256     text NOT NULL CHECK (object_sha256 ~ '^[0-9a-f]{64}$'),
  finding           jsonb NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (analyzer, analyzer_version, object_sha256)
);

CREATE TABLE assessments (
  workflow_id  text NOT NULL REFERENCES alerts(workflow_id),
  step         text NOT NULL,
  author       text NOT NULL,
  assessment   jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, step)
);
