package io.fatamorgana.ordercache.support;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.annotation.Version;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The version guard works for the versions real entities have, found without configuration: a
 * {@code @Version} property of any name, a {@code LocalDateTime} or {@code OffsetDateTime}
 * {@code updatedAt} compared as time, and an incoming copy without a version never silently
 * replaces a versioned one. Refused committed changes remove the cached copy (the database wins).
 */
@SpringBootTest(classes = IntegrationTestApplication.class)
class VersionGuardIntegrationTests {

	static final String PREFIX = TestRedis.uniquePrefix(VersionGuardIntegrationTests.class);

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

	final RedisCommands<String, String> redis = TestRedis.commands();

	@Test
	void aVersionAnnotatedPropertyOfAnyNameGuardsWrites(TestInfo test) {
		String period = test.getTestMethod().orElseThrow().getName();
		this.service.cacheOrder(new Revisioned(period, "A", 5L, "paid"));
		this.service.cacheOrder(new Revisioned(period, "A", 4L, "pending"));
		assertThat(this.redis.hget(PREFIX + period, "A")).as("an older revision is refused and the copy removed")
			.isNull();
		this.service.cacheOrder(new Revisioned(period, "B", 4L, "pending"));
		this.service.cacheOrder(new Revisioned(period, "B", 5L, "paid"));
		assertThat(this.redis.hget(PREFIX + period, "B")).contains("\"status\":\"paid\"");
	}

	@Test
	void aCopyWithoutAVersionNeverReplacesAVersionedOne(TestInfo test) {
		String period = test.getTestMethod().orElseThrow().getName();
		this.service.cacheOrder(new Revisioned(period, "A", 5L, "paid"));
		this.service.cacheOrder(new Revisioned(period, "A", null, "pending"));
		assertThat(this.redis.hget(PREFIX + period, "A")).as("cannot compare: the copy is removed").isNull();
	}

	@Test
	void aLocalDateTimeUpdatedAtComparesAsTime(TestInfo test) {
		String period = test.getTestMethod().orElseThrow().getName();
		LocalDateTime noon = LocalDateTime.of(2024, 12, 1, 12, 0, 0, 500_000_000);
		this.service.cacheOrder(new Stamped(period, "A", noon, "paid"));
		this.service.cacheOrder(new Stamped(period, "A", noon.minusNanos(500_000_000), "pending"));
		assertThat(this.redis.hget(PREFIX + period, "A")).as("half a second earlier is refused").isNull();
		this.service.cacheOrder(new Stamped(period, "B", noon, "pending"));
		this.service.cacheOrder(new Stamped(period, "B", noon.plusSeconds(1), "paid"));
		assertThat(this.redis.hget(PREFIX + period, "B")).contains("\"status\":\"paid\"");
	}

	@Test
	void anOffsetDateTimeUpdatedAtComparesAsAnInstant(TestInfo test) {
		String period = test.getTestMethod().orElseThrow().getName();
		OffsetDateTime utc = OffsetDateTime.of(2024, 12, 1, 3, 0, 0, 0, ZoneOffset.UTC);
		OffsetDateTime shanghai = OffsetDateTime.of(2024, 12, 1, 10, 0, 0, 0, ZoneOffset.ofHours(8));
		this.service.cacheOrder(new Zoned(period, "A", utc, "paid"));
		this.service.cacheOrder(new Zoned(period, "A", shanghai, "pending"));
		assertThat(this.redis.hget(PREFIX + period, "A")).as("10:00+08:00 is before 03:00Z").isNull();
	}

	/** An entity-like order whose version is a {@code @Version} property not named {@code version}. */
	public record Revisioned(String periodNumber, String orderNo, @Version @Nullable Long revision, String status) {
	}

	/** An order versioned by a {@code LocalDateTime}. */
	public record Stamped(String periodNumber, String orderNo, LocalDateTime updatedAt, String status) {
	}

	/** An order versioned by an {@code OffsetDateTime}. */
	public record Zoned(String periodNumber, String orderNo, OffsetDateTime updatedAt, String status) {
	}

}
