package io.fatamorgana.ordercache.cluster;

import io.fatamorgana.ordercache.aop.JdbcOrders;

/**
 * A {@link JdbcOrders.Row} as the cache stores it (snake_case JSON), read back with a raw client.
 */
record StoredRow(String period_number, String order_no, String status, long version) {

	JdbcOrders.Row toRow() {
		return new JdbcOrders.Row(this.period_number, this.order_no, this.status, this.version);
	}

}
