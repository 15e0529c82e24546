CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`received_at` text NOT NULL,
	`event_time` text NOT NULL,
	`summary` text NOT NULL,
	`urgency` text NOT NULL,
	`payload` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alerts_incident` ON `alerts` (`incident_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `escalation_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `escalation_policies_handle` ON `escalation_policies` (`handle`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`number` integer NOT NULL,
	`status` text NOT NULL,
	`urgency` text NOT NULL,
	`summary` text NOT NULL,
	`service_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`event_id` text NOT NULL,
	`alert_count` integer NOT NULL,
	`created_at` text NOT NULL,
	`acknowledged_at` text,
	`resolved_at` text,
	`last_event_at` text NOT NULL,
	`details` text NOT NULL,
	`revision` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_number` ON `incidents` (`number`);--> statement-breakpoint
CREATE INDEX `incidents_status` ON `incidents` (`status`);--> statement-breakpoint
CREATE INDEX `incidents_urgency` ON `incidents` (`urgency`);--> statement-breakpoint
CREATE INDEX `incidents_service` ON `incidents` (`service_id`);--> statement-breakpoint
CREATE INDEX `incidents_integration` ON `incidents` (`integration_id`);--> statement-breakpoint
CREATE INDEX `incidents_created_at` ON `incidents` (`created_at`);--> statement-breakpoint
CREATE INDEX `incidents_acknowledged_at` ON `incidents` (`acknowledged_at`);--> statement-breakpoint
CREATE INDEX `incidents_resolved_at` ON `incidents` (`resolved_at`);--> statement-breakpoint
CREATE TABLE `integrations` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`type` text NOT NULL,
	`key` text NOT NULL,
	`service_id` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `integrations_handle` ON `integrations` (`handle`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `integrations_key` ON `integrations` (`key`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`incident_id` text,
	`incident_number` integer,
	`user` text NOT NULL,
	`contact_method` text NOT NULL,
	`channel` text NOT NULL,
	`address` text,
	`attempt` integer NOT NULL,
	`status` text NOT NULL,
	`detail` text,
	`due_at` text NOT NULL,
	`processed_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notifications_incident` ON `notifications` (`incident_id`,`due_at`);--> statement-breakpoint
CREATE INDEX `notifications_user` ON `notifications` (`user`,`due_at`);--> statement-breakpoint
CREATE TABLE `schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`calendar_secret` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `schedules_handle` ON `schedules` (`handle`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `schedules_calendar` ON `schedules` (`calendar_secret`);--> statement-breakpoint
CREATE TABLE `services` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `services_handle` ON `services` (`handle`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `teams` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `teams_handle` ON `teams` (`handle`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `timeline_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` text NOT NULL,
	`type` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`details` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `timeline_incident` ON `timeline_entries` (`incident_id`,`seq`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`role` text NOT NULL,
	`calendar_secret` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_handle` ON `users` (`handle`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `users_calendar` ON `users` (`calendar_secret`);