-- Evictions that could not reach Redis, kept until whichever instance reaches Redis first has
-- replayed them (ordercache.pending-evictions.store=jdbc). Rows are inserted and deleted, never
-- updated; the same eviction may appear twice. order_no NULL drops the whole period; a period_key
-- ending in '*' drops every period of that key prefix. 256 characters: a key prefix and a period
-- number may each have 128. Keys are ASCII compared byte for byte, as Redis compares them.
CREATE TABLE IF NOT EXISTS ordercache_pending_eviction (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    period_key VARCHAR(256) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    order_no   VARCHAR(256) CHARACTER SET ascii COLLATE ascii_bin,
    created_at DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE = InnoDB;
