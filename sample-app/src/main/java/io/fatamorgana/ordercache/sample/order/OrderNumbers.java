package io.fatamorgana.ordercache.sample.order;

import java.util.Objects;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands out order numbers {@code ORDER_{period}_{sequence}} from a counter row per period in the
 * database, so they are unique across threads and application instances and read like the seed's
 * {@code ORDER_20241201_001_001}.
 */
@Component
class OrderNumbers {

	private static final int ATTEMPTS = 5;

	private final JdbcClient jdbc;

	private final TransactionTemplate transaction;

	OrderNumbers(JdbcClient jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.transaction = new TransactionTemplate(transactionManager);
		// Its own short transaction: the counter row stays locked only while it is incremented, not
		// while the order is written.
		this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	String next(String period) {
		for (int attempt = 1;; attempt++) {
			try {
				long sequence = Objects.requireNonNull(this.transaction.execute((status) -> increment(period)));
				return String.format("ORDER_%s_%03d", period, sequence);
			}
			catch (DuplicateKeyException | PessimisticLockingFailureException ex) {
				// Another instance created the period's counter at the same moment; it exists now.
				if (attempt == ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	private long increment(String period) {
		int updated = this.jdbc.sql("UPDATE order_sequences SET last_value = last_value + 1 WHERE period_number = ?")
			.param(period)
			.update();
		if (updated == 0) {
			this.jdbc.sql("INSERT INTO order_sequences (period_number, last_value) VALUES (?, 1)")
				.param(period)
				.update();
			return 1;
		}
		return this.jdbc.sql("SELECT last_value FROM order_sequences WHERE period_number = ?")
			.param(period)
			.query(Long.class)
			.single();
	}

}
