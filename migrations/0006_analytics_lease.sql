-- One row per lease: which analytics node computes and pushes scores and runs the ledger
-- (worker/cluster/). `term` grows by one at every change of holder (or re-acquisition after
-- expiry); score pushes and ledger batches carry it and are refused once it is not current.
CREATE TABLE `analytics_lease` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`term` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
