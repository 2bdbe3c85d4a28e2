-- Evidence bytes that analysis stored (archive members) per source and UTC day: the
-- per-source quota that bounds what one source's alerts can write (issue 10, item 7).
CREATE TABLE IF NOT EXISTS source_evidence_usage (
  source       text   NOT NULL,
  day          date   NOT NULL,
  stored_bytes bigint NOT NULL CHECK (stored_bytes >= 0),
  PRIMARY KEY (source, day)
);
