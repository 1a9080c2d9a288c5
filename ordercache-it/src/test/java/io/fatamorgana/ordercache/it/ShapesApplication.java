package io.fatamorgana.ordercache.it;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The application each context of the randomized suites runs: Boot's auto-configuration (Redis,
 * data source, JPA, transactions, ordercache) and the annotated services of both data access
 * variants.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ShapesApplication {

	@Bean
	JdbcOrderStore jdbcOrderStore(JdbcTemplate jdbc) {
		return new JdbcOrderStore(jdbc);
	}

	@Bean
	JpaOrderStore jpaOrderStore() {
		return new JpaOrderStore();
	}

	@Bean
	ShapedOrders jdbcOrders(JdbcOrderStore store, PlatformTransactionManager transactionManager,
			ApplicationEventPublisher publisher) {
		return new ShapedOrders(store, transactionManager, publisher);
	}

	@Bean
	ShapedOrders jpaOrders(JpaOrderStore store, PlatformTransactionManager transactionManager,
			ApplicationEventPublisher publisher) {
		return new ShapedOrders(store, transactionManager, publisher);
	}

	@Bean
	ChangeListener changeListener() {
		return new ChangeListener();
	}

}
