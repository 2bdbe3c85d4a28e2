-- Alerts passed to their incident by reference (src/domain/alert-ref.ts): the ingest service
-- stores each correlated alert before the incident hears of it. incident_key names the
-- incident it was sent to; a row with a key and no incident_id has not reached it yet (the
-- incident takes such rows up before it ends). raw keeps the source's original event, which
-- the alert column leaves out, and incident_route the playbook routing chose, for the
-- investigation that loads the alert.
ALTER TABLE alerts ADD COLUMN incident_key text;
ALTER TABLE alerts ADD COLUMN raw jsonb;
ALTER TABLE alerts ADD COLUMN incident_route jsonb;
CREATE INDEX alerts_awaiting_incident ON alerts (incident_key, received_at) WHERE incident_key IS NOT NULL AND incident_id IS NULL;
