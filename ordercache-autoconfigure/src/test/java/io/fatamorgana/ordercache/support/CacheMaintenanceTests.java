package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.List;

import io.fatamorgana.ordercache.codec.OrderCodec;
import io.fatamorgana.ordercache.codec.VersionFields;
import io.fatamorgana.ordercache.key.OrderKeys;
import io.fatamorgana.ordercache.key.PropertyOrderIdentityResolver;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The background task survives any failure: an {@link Error} thrown while probing Redis does not end
 * it (the circuit would then never close again).
 */
class CacheMaintenanceTests {

	@Test
	void theBackgroundTaskSurvivesAnError() {
		OrderHashStore store = mock(OrderHashStore.class);
		doThrow(new StackOverflowError("probe")).when(store).ping(CircuitBreakers.WHOLE_CONNECTION);
		CircuitBreakers breakers = new CircuitBreakers(1, Duration.ofMillis(1));
		breakers.forNode(CircuitBreakers.WHOLE_CONNECTION, () -> "").failed();
		OrderCodec codec = new OrderCodec();
		FailureLog failureLog = new FailureLog(Duration.ofHours(1));
		OrderCacheEngine engine = new OrderCacheEngine(store, codec, new VersionFields(codec, List.of("version")),
				new OrderKeys("maintenance_"), new PropertyOrderIdentityResolver("periodNumber", "orderNo"),
				new OrderCacheCounters(), failureLog, breakers, new OrderCacheEngine.Settings(Duration.ofHours(1), 0,
						Duration.ofMinutes(1), 500, 100, 1000, "order_no", 1024));
		CacheMaintenance maintenance = new CacheMaintenance(engine, store, breakers, Duration.ofMillis(5), failureLog);
		maintenance.start();
		try {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> verify(store, atLeast(3)).ping(CircuitBreakers.WHOLE_CONNECTION));
		}
		finally {
			maintenance.stop();
		}
	}

}
