CREATE TABLE `maintenance_windows` (
	`id` text PRIMARY KEY NOT NULL,
	`service_id` text NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`description` text NOT NULL,
	`source` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`ended_by` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `maintenance_service_ends` ON `maintenance_windows` (`service_id`,`ends_at`);