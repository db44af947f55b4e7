CREATE TABLE `balance_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`amount_nanousd` integer NOT NULL,
	`reference` text DEFAULT '' NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `balance_entries_user` ON `balance_entries` (`user_id`);--> statement-breakpoint
CREATE TABLE `ledger_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`up_to_ts` integer NOT NULL,
	`total_nanousd` integer NOT NULL,
	`requests` integer NOT NULL,
	`users` integer NOT NULL,
	`applied_at` integer NOT NULL
);
