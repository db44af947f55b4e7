ALTER TABLE `channel_models` ADD `cost_cache_write_per_mtok` real;--> statement-breakpoint
ALTER TABLE `channel_models` ADD `cost_cache_write_1h_per_mtok` real;--> statement-breakpoint
ALTER TABLE `models` ADD `price_cache_write_per_mtok` real;--> statement-breakpoint
ALTER TABLE `models` ADD `price_cache_write_1h_per_mtok` real;