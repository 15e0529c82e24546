CREATE TABLE `change_events` (
	`id` text PRIMARY KEY NOT NULL,
	`service_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`summary` text NOT NULL,
	`source` text,
	`happened_at` text NOT NULL,
	`received_at` text NOT NULL,
	`details` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `change_events_service` ON `change_events` (`service_id`,`happened_at`);