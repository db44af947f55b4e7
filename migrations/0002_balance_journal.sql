-- Custom migration (drizzle-kit generate --custom): the opening entry of the balance journal.
-- Users are created by config apply and by the admin API; this trigger records the balance a
-- user starts with, so that Σ balance_entries = users.balance_nanousd holds for every user.
-- An upsert that updates an existing user does not fire it (SQLite runs UPDATE triggers then).
CREATE TRIGGER `users_opening_balance` AFTER INSERT ON `users`
BEGIN
  INSERT INTO `balance_entries` (`user_id`, `kind`, `amount_nanousd`, `note`)
  VALUES (NEW.`id`, 'opening', NEW.`balance_nanousd`, 'balance at creation');
END;
--> statement-breakpoint
INSERT INTO `balance_entries` (`user_id`, `kind`, `amount_nanousd`, `note`)
SELECT `id`, 'opening', `balance_nanousd`, 'balance when the journal began' FROM `users`;
