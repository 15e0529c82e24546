ALTER TABLE `notifications` ADD `provider` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `provider_message_id` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `queued_at` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `sent_at` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `delivered_at` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `revision` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
UPDATE `notifications` SET `status` = 'sent' WHERE `status` = 'notified';
