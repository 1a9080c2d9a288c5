package io.fatamorgana.ordercache.actuate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodPage;
import io.fatamorgana.ordercache.PeriodStatistics;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.test.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statistics, meters, the endpoint and the health indicator against a real Redis.
 */
@SpringBootTest(classes = { IntegrationTestApplication.class, ObservabilityIntegrationTests.Registry.class },
		properties = "management.endpoints.web.exposure.include=ordercache")
class ObservabilityIntegrationTests {

	static final String PREFIX = TestRedis.uniquePrefix(ObservabilityIntegrationTests.class);

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestRedis::url);
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@AfterAll
	static void cleanUp() {
		TestRedis.deleteKeys(PREFIX);
		TestRedis.deleteKeys(PREFIX.substring(0, PREFIX.length() - 1) + "X");
	}

	@Autowired
	OrderCacheService service;

	@Autowired
	MeterRegistry registry;

	@Autowired
	OrderCacheEndpoint endpoint;

	@Autowired
	OrderCacheHealthIndicator health;

	@Test
	void pagesThroughEveryCachedPeriodWithABoundedScanAndIgnoresSimilarKeys() {
		List<Object> orders = new ArrayList<>();
		for (int i = 0; i < 250; i++) {
			orders.add(TestOrder.of("scan" + i, "A"));
		}
		this.service.batchCacheOrders(orders);
		TestRedis.commands().set(PREFIX.substring(0, PREFIX.length() - 1) + "X_scan_lookalike", "x");
		Set<String> seen = new HashSet<>();
		String cursor = null;
		int pages = 0;
		do {
			PeriodPage page = this.service.cachedPeriods(cursor, 50);
			assertThat(page.periods()).hasSizeLessThan(200);
			seen.addAll(page.periods());
			cursor = page.nextCursor();
			pages++;
		}
		while (cursor != null);
		assertThat(seen).filteredOn((period) -> period.startsWith("scan")).hasSize(250);
		assertThat(seen).noneMatch((period) -> period.contains("lookalike"));
		assertThat(pages).isGreaterThan(1);
	}

	@Test
	void describesAPeriodWithItsMemory() {
		this.service.loadPeriod("described", () -> List.of(TestOrder.of("described", "A"), TestOrder.of("described", "B")));
		PeriodStatistics statistics = this.endpoint.period("described");
		assertThat(statistics.orders()).isEqualTo(2);
		assertThat(statistics.complete()).isTrue();
		assertThat(statistics.ttl()).isPositive();
		assertThat(statistics.memoryBytes()).isPositive();
		assertThat(this.endpoint.period("never_cached")).isEqualTo(new PeriodStatistics("never_cached", 0, null, false, null));
	}

	@Test
	void theEndpointReportsCountersAndDropsAPeriod() {
		this.service.cacheOrder(TestOrder.of("dropped", "A"));
		this.service.getOrder("dropped", "A", TestOrder.class);
		OrderCacheEndpoint.CacheDescriptor report = this.endpoint.cache(null, 1000);
		assertThat(report.statistics().hits()).isPositive();
		assertThat(report.hitRate()).isBetween(0.0, 1.0);
		assertThat(report.periods().periods()).contains("dropped");
		assertThat(report.cachedPeriods().exact()).isTrue();
		assertThat(report.cachedPeriods().count()).isEqualTo(this.service.cachedPeriods(null, 10_000).periods().size());
		assertThat(this.endpoint.drop("dropped")).isEqualTo(new OrderCacheEndpoint.DroppedDescriptor("dropped", true));
		assertThat(this.service.getOrderCount("dropped")).isZero();
	}

	@Test
	void metersCountWhatTheCacheDoesWithBoundedTags() {
		this.service.cacheOrder(TestOrder.of("metered", "A"));
		this.service.getOrder("metered", "A", TestOrder.class);
		this.service.getOrder("metered", "B", TestOrder.class);
		assertThat(this.registry.get("ordercache.reads").tag("result", "hit").functionCounter().count()).isPositive();
		assertThat(this.registry.get("ordercache.reads").tag("result", "miss").functionCounter().count()).isPositive();
		assertThat(this.registry.get("ordercache.writes").tag("outcome", "written").functionCounter().count())
			.isPositive();
		assertThat(this.registry.get("ordercache.redis.commands").tag("command", "get").tag("outcome", "success")
			.timer().count()).isPositive();
		assertThat(this.registry.get("ordercache.circuit.open").gauge().value()).isZero();
		assertThat(this.registry.get("ordercache.circuit.openings").functionCounter().count()).isNotNegative();
		assertThat(this.registry.get("ordercache.redis.replies.late").functionCounter().count()).isNotNegative();
		// The test resources' command-timeout (2s) is above the default ceiling, so the wait is fixed at it.
		assertThat(this.registry.get("ordercache.redis.timeout").gauge().value()).isEqualTo(2.0);
		assertThat(this.registry.get("ordercache.failures").tag("cause", "skipped").functionCounter().count()).isZero();
		assertThat(this.registry.find("ordercache.failures").functionCounters()).hasSize(4);
		assertThat(this.registry.get("ordercache.evictions.pending").gauge().value()).isZero();
		assertThat(this.registry.getMeters()).filteredOn((meter) -> meter.getId().getName().startsWith("ordercache"))
			.allSatisfy((meter) -> assertThat(meter.getId().getTags())
				.noneMatch((tag) -> tag.getValue().contains("metered")));
	}

	@Test
	void healthIsUpWhenRedisAnswers() {
		Health health = this.health.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("redis", "reachable").containsEntry("circuit", "closed");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		SimpleMeterRegistry simpleMeterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
