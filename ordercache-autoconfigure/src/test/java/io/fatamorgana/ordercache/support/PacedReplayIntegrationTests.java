package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.redis.CircuitBreaker;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of evictions that failed during an outage are replayed, when a Redis that kept its data
 * comes back, in pipelined batches (a few dozen round trips, not one per order) without the circuit
 * opening again, and not one of the orders is served from the old copies afterwards.
 */
class PacedReplayIntegrationTests {

	static final int ORDERS = 5_000;

	@Test
	void evictionsPendingAfterAnOutageAreReplayedInBatchesWithoutReopeningTheCircuit() {
		try (RedisProcess redis = RedisProcess.startPersistent();
				ConfigurableApplicationContext context = new SpringApplicationBuilder(IntegrationTestApplication.class)
					.web(WebApplicationType.NONE)
					.run("--spring.data.redis.url=" + redis.url(), "--ordercache.key-prefix=paced_",
							"--ordercache.pending-evictions.store=memory",
							"--ordercache.resilience.open-duration=200ms",
							"--ordercache.resilience.maintenance-interval=50ms")) {
			OrderCacheService service = context.getBean(OrderCacheService.class);
			// Standalone: one circuit, the whole connection's.
			CircuitBreaker circuit = context.getBean(CircuitBreakers.class)
				.forNode(CircuitBreakers.WHOLE_CONNECTION, () -> "");
			List<TestOrder> orders = new ArrayList<>();
			for (int i = 0; i < ORDERS; i++) {
				orders.add(TestOrder.of("P" + (i % 10), "O" + i));
			}
			assertThat(service.batchCacheOrders(orders).cached()).isEqualTo(ORDERS);

			redis.stop();
			for (TestOrder order : orders) {
				try {
					service.deleteOrder(order.getPeriodNumber(), order.getOrderNo());
				}
				catch (OrderCacheException ex) {
					// Remembered, to be replayed: that is what this test is about.
				}
			}
			assertThat(service.statistics().pendingEvictions()).isEqualTo(ORDERS);
			redis.restart();
			long openedBefore = circuit.timesOpened();

			await().atMost(Duration.ofSeconds(60)).until(() -> service.statistics().pendingEvictions() == 0);
			assertThat(circuit.timesOpened()).as("circuit opened again against a Redis that answers")
				.isEqualTo(openedBefore);
			Timer batches = context.getBean(MeterRegistry.class)
				.find("ordercache.redis.commands")
				.tags("command", "evict-all", "outcome", "success")
				.timer();
			assertThat(batches).isNotNull();
			// 100 orders a batch (and one sent alone before each, which loads the script if need be).
			assertThat(batches.count()).isBetween(ORDERS / 101L, 2L * ORDERS / 100);
			try (RedisClient client = RedisClient.create(redis.url());
					StatefulRedisConnection<String, String> connection = client.connect()) {
				for (TestOrder order : orders) {
					assertThat(connection.sync().hexists("paced_" + order.getPeriodNumber(), order.getOrderNo()))
						.as(order.getOrderNo()).isFalse();
				}
			}
		}
	}

}
