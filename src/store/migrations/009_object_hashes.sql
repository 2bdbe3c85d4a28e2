-- Fuzzy hashes (ssdeep, TLSH) of evidence objects by sha256 and hashing version: the
-- similarity analyzer's finding depends on the catalogue, so it is never cached, but the
-- hashes of the object are, and computing them was most of its time.
CREATE TABLE object_hashes (
  object_sha256 text NOT NULL,
  version text NOT NULL,
  hashes jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (object_sha256, version)
);
