ALTER TABLE `webhooks` ADD `retry_schedule` text DEFAULT 'standard' NOT NULL;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `failing_since` text;