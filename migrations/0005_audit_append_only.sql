-- Custom migration (drizzle-kit generate --custom): the audit log is append-only. No route
-- updates or deletes it, and these triggers make the database refuse it too, so a bug (or a
-- hand-written query through the D1 console) cannot rewrite history without dropping them.
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
