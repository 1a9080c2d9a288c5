package io.fatamorgana.ordercache.near;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.TestOrder;
import org.awaitility.core.ConditionFactory;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** What the near-cache tests ask of an instance: its near cache, its cache, an order's status. */
public final class NearCacheInstances {

	private NearCacheInstances() {
	}

	public static NearCache near(ConfigurableApplicationContext instance) {
		return instance.getBean(NearCache.class);
	}

	public static OrderCacheService cache(ConfigurableApplicationContext instance) {
		return instance.getBean(OrderCacheService.class);
	}

	/** The status of an order as the instance reads it, {@code absent} when it has none. */
	public static String status(ConfigurableApplicationContext instance, String period, String orderNo) {
		return cache(instance).getOrder(period, orderNo, TestOrder.class).map(TestOrder::getStatus).orElse("absent");
	}

	/** Reads the order until the instance holds it: a second read in a row answered from memory. */
	public static void holdInMemory(ConditionFactory await, ConfigurableApplicationContext instance, String period,
			String orderNo, String expected) {
		await.untilAsserted(() -> {
			assertThat(status(instance, period, orderNo)).isEqualTo(expected);
			long hits = near(instance).statistics().hits();
			assertThat(status(instance, period, orderNo)).isEqualTo(expected);
			assertThat(near(instance).statistics().hits()).as("answered from memory").isEqualTo(hits + 1);
		});
	}

}
