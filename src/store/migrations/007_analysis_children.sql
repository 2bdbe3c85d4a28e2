-- Objects found inside an analyzed object (archive members), by evidence reference, so a
-- cache hit still leads the investigation to them.
ALTER TABLE analysis_cache ADD COLUMN children jsonb NOT NULL DEFAULT '[]';
