-- The audit trail (decisions, audit_log) is append-only for everyone who is not its owner:
-- row triggers refuse UPDATE and DELETE, a statement trigger refuses TRUNCATE (row triggers
-- never see it), and PUBLIC holds no right to change them. The application role is granted
-- INSERT and SELECT only (src/store/privileges.ts), so it can neither drop these triggers nor
-- disable them: ALTER TABLE needs ownership, which stays with the migration role.
CREATE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is an append-only audit trail: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

-- One function for every audit table (replaces 001's decisions-only one).
DROP TRIGGER decisions_append_only ON decisions;
DROP FUNCTION decisions_are_append_only();
CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions
  FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();
CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions
  FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();

REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON decisions, audit_log FROM PUBLIC;
