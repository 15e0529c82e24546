CREATE TABLE `contact_verifications` (
	`user` text NOT NULL,
	`contact_method` text NOT NULL,
	`address` text NOT NULL,
	`code_hash` text NOT NULL,
	`expires_at` text NOT NULL,
	`failed_tries` integer DEFAULT 0 NOT NULL,
	`verified_at` text,
	PRIMARY KEY(`user`, `contact_method`)
);
