-- The ingest format an alert arrived in (ecs, wazuh, ocsf, cef, eml, autosoc), for the SOC
-- report's volume by format (issue 15). Normalize records it on the alert itself
-- (Alert.ingestFormat), so every row that stores the alert (the playbook's, a suppressed or a
-- correlated one) carries it without each insert naming it; NULL for alerts started without
-- ingest (`autosoc start`, older rows).
ALTER TABLE alerts ADD COLUMN ingest_format text GENERATED ALWAYS AS (alert->>'ingestFormat') STORED;
