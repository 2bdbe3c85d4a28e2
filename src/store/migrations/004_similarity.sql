-- Reference catalogue for the similarity analyzer: known-bad and known-good samples by their
-- hashes. Hashes are stored as src/analyzers/similarity/catalogue.ts normalises them.

CREATE TABLE similarity_catalogue (
  id        bigserial PRIMARY KEY,
  label     text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  verdict   text NOT NULL CHECK (verdict IN ('malicious', 'suspicious', 'benign')),
  family    text,
  source    text NOT NULL,
  sha256    text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  ssdeep    text CHECK (ssdeep ~ '^[0-9]+:[A-Za-z0-9+/]{0,64}:[A-Za-z0-9+/]{0,64}$'),
  -- TLSH 3.4 digest, 70 upper-case hex digits (a TLSH 4 "T1" prefix is stripped on import).
  tlsh      text CHECK (tlsh ~ '^[0-9A-F]{70}$'),
  imphash   text CHECK (imphash ~ '^[0-9a-f]{32}$'),
  added_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (sha256 IS NOT NULL OR ssdeep IS NOT NULL OR tlsh IS NOT NULL OR imphash IS NOT NULL),
  -- Re-importing a file updates its entries instead of duplicating them.
  UNIQUE NULLS NOT DISTINCT (source, label, sha256, ssdeep, tlsh, imphash)
);
CREATE INDEX similarity_catalogue_imphash ON similarity_catalogue (imphash);
CREATE INDEX similarity_catalogue_sha256 ON similarity_catalogue (sha256);
