package io.fatamorgana.ordercache.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodTooLargeException;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A period too large to read at once: streamed page by page, refused by the whole-period read.
 */
// The largest chunk allowed: 5,000 orders per script, more values than Lua's unpack() takes at once.
@SpringBootTest(classes = IntegrationTestApplication.class,
		properties = { "ordercache.max-period-size=5000", "ordercache.batch-chunk-size=5000" })
class LargePeriodIntegrationTests {

	static final String PREFIX = TestRedis.uniquePrefix(LargePeriodIntegrationTests.class);

	static final int ORDERS = 20_000;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestRedis::url);
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@AfterAll
	static void cleanUp() {
		TestRedis.deleteKeys(PREFIX);
	}

	@Autowired
	OrderCacheService service;

	@BeforeAll
	static void fill(@Autowired OrderCacheService service) {
		List<TestOrder> orders = new ArrayList<>(ORDERS);
		for (int i = 0; i < ORDERS; i++) {
			orders.add(TestOrder.of("large", "ORDER_" + i));
		}
		service.loadPeriod("large", () -> orders);
	}

	@Test
	void streamsEveryOrderOfALargePeriod() {
		try (Stream<TestOrder> orders = this.service.streamOrdersByPeriod("large", TestOrder.class)) {
			Set<String> numbers = orders.map(TestOrder::getOrderNo).collect(Collectors.toSet());
			assertThat(numbers).hasSize(ORDERS).contains("ORDER_0", "ORDER_" + (ORDERS - 1));
		}
	}

	@Test
	void aStreamStoppedEarlyReadsOnlyWhatItNeeds() {
		try (Stream<TestOrder> orders = this.service.streamOrdersByPeriod("large", TestOrder.class)) {
			assertThat(orders.limit(10)).hasSize(10);
		}
	}

	@Test
	void theWholePeriodReadRefusesAPeriodAboveTheMaximum() {
		assertThatExceptionOfType(PeriodTooLargeException.class)
			.isThrownBy(() -> this.service.getOrdersByPeriod("large", TestOrder.class))
			.withMessage("Period large has 20000 cached entries, more than ordercache.max-period-size (5000);"
					+ " read it with streamOrdersByPeriod");
		assertThat(this.service.getCompletePeriod("large", TestOrder.class)).isEmpty();
		assertThat(this.service.getOrderCount("large")).isEqualTo(ORDERS);
	}

	@Test
	void anEmptyPeriodStreamsNothing() {
		try (Stream<TestOrder> orders = this.service.streamOrdersByPeriod("nothing_here", TestOrder.class)) {
			assertThat(orders).isEmpty();
		}
	}

}
