CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`ip` text,
	`action` text NOT NULL,
	`kind` text NOT NULL,
	`target` text,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_log` (`at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_kind_at` ON `audit_log` (`kind`,`at`);--> statement-breakpoint
CREATE INDEX `audit_actor_at` ON `audit_log` (`actor`,`at`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `pruned_at` text;--> statement-breakpoint
CREATE INDEX `alerts_unpruned_received` ON `alerts` (`received_at`) WHERE pruned_at IS NULL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `first_acknowledged_at` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `acknowledged_by` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `escalated` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `notifications_kind_due` ON `notifications` (`kind`,`due_at`);--> statement-breakpoint
CREATE INDEX `notifications_pending_due` ON `notifications` (`due_at`) WHERE status IN ('queued', 'sending');--> statement-breakpoint
CREATE INDEX `notifications_processed` ON `notifications` (`processed_at`);