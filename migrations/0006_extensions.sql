CREATE TABLE `extension_calls` (
	`id` text PRIMARY KEY NOT NULL,
	`service_id` text NOT NULL,
	`extension` text NOT NULL,
	`incident_id` text NOT NULL,
	`incident_number` integer NOT NULL,
	`event` text NOT NULL,
	`method` text NOT NULL,
	`url` text NOT NULL,
	`status` text NOT NULL,
	`response_status` integer,
	`duration_ms` integer,
	`attempts` integer NOT NULL,
	`error` text,
	`queued_at` text NOT NULL,
	`sent_at` text,
	`updated_at` text NOT NULL,
	`revision` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `extension_calls_service` ON `extension_calls` (`service_id`,`queued_at`);--> statement-breakpoint
CREATE TABLE `extensions` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`service_id` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `extensions_handle` ON `extensions` (`handle`) WHERE deleted_at IS NULL;