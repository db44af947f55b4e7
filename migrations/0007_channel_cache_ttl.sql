ALTER TABLE `channels` ADD `cache_ttl_s` integer;
