DROP INDEX `incidents_status`;--> statement-breakpoint
DROP INDEX `incidents_urgency`;--> statement-breakpoint
DROP INDEX `incidents_service`;--> statement-breakpoint
DROP INDEX `incidents_integration`;--> statement-breakpoint
ALTER TABLE `incidents` ADD `escalation_policy` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `updated_at` text;--> statement-breakpoint
CREATE INDEX `incidents_status_number` ON `incidents` (`status`,`number`);--> statement-breakpoint
CREATE INDEX `incidents_urgency_number` ON `incidents` (`urgency`,`number`);--> statement-breakpoint
CREATE INDEX `incidents_service_number` ON `incidents` (`service_id`,`number`);--> statement-breakpoint
CREATE INDEX `incidents_integration_number` ON `incidents` (`integration_id`,`number`);--> statement-breakpoint
CREATE INDEX `incidents_policy_created` ON `incidents` (`escalation_policy`,`created_at`);--> statement-breakpoint
CREATE INDEX `incidents_updated_at` ON `incidents` (`updated_at`);