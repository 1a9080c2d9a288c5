-- The order cache's pending evictions (ordercache.pending-evictions.store=jdbc): the script shipped as
-- classpath:io/fatamorgana/ordercache/jdbc/schema-mariadb.sql, as a migration of its own.
CREATE TABLE IF NOT EXISTS ordercache_pending_eviction (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    period_key VARCHAR(256) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    order_no   VARCHAR(256) CHARACTER SET ascii COLLATE ascii_bin,
    created_at DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE = InnoDB;
