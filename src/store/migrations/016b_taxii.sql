-- The TAXII 2.1 collection autosoc serves (issue 16): STIX objects of confirmed incidents whose
-- TLP lets them leave the organisation, each added once (date_added is when this server first
-- held it; a STIX object shared by several incidents is one row). taxii_incidents records
-- which confirmed incidents were looked at, shared or withheld, so each is published once.
CREATE TABLE IF NOT EXISTS taxii_incidents (
  workflow_id  text PRIMARY KEY REFERENCES alerts(workflow_id),
  tlp          text NOT NULL,
  shared       boolean NOT NULL,
  objects      integer NOT NULL DEFAULT 0,
  published_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE IF NOT EXISTS taxii_objects (
  seq          bigserial PRIMARY KEY,
  collection   text NOT NULL,
  object_id    text NOT NULL,
  object_type  text NOT NULL,
  version      text NOT NULL,
  spec_version text NOT NULL DEFAULT '2.1',
  object       jsonb NOT NULL,
  date_added   timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (collection, object_id)
);
CREATE INDEX IF NOT EXISTS taxii_objects_added ON taxii_objects (collection, date_added, seq);
