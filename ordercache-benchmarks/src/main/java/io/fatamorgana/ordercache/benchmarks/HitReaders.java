package io.fatamorgana.ordercache.benchmarks;

import java.util.Map;

import io.fatamorgana.ordercache.OrderCacheService;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The four readers of benchmark 2 around one order cached beforehand in each: {@code @CachedOrder},
 * {@code @Cacheable}, and raw Lettuce {@code HGET} decoded by plain Jackson and by ordercache's own
 * decoder. Closing it fails if any read missed.
 */
final class HitReaders implements AutoCloseable {

	private static final String PERIOD = "20241201_802";

	private final BenchOrder order = BenchOrder.of(PERIOD, 1);

	private final byte[] rawKey = Orders.bytes(BenchApplication.KEY_PREFIX + "raw_" + PERIOD);

	private final byte[] rawField = Orders.bytes(this.order.orderNo());

	private final ConfigurableApplicationContext context;

	private final AnnotatedOrders annotated;

	private final SpringCachedOrders spring;

	private final BenchRedis redis;

	private final long hitsBefore;

	HitReaders(String redisUrl) {
		this.context = BenchApplication.start(redisUrl, false, Map.of());
		this.annotated = this.context.getBean(AnnotatedOrders.class);
		this.spring = this.context.getBean(SpringCachedOrders.class);
		this.redis = new BenchRedis(redisUrl);
		this.annotated.save(this.order);
		this.spring.store(this.order);
		this.spring.find(PERIOD, this.order.orderNo());
		this.redis.sync().hset(this.rawKey, this.rawField, Orders.WRITER.writeValueAsBytes(this.order));
		this.hitsBefore = this.context.getBean(OrderCacheService.class).statistics().hits();
	}

	BenchOrder ordercache() {
		return this.annotated.find(PERIOD, this.order.orderNo());
	}

	BenchOrder springCacheable() {
		return this.spring.find(PERIOD, this.order.orderNo());
	}

	BenchOrder rawHget() {
		return Orders.READER.readValue(this.redis.sync().hget(this.rawKey, this.rawField));
	}

	BenchOrder rawHgetSameDecoder() {
		return Orders.CODEC.decode(this.redis.sync().hget(this.rawKey, this.rawField), BenchOrder.class);
	}

	@Override
	public void close() {
		long hits = this.context.getBean(OrderCacheService.class).statistics().hits() - this.hitsBefore;
		// The @Cacheable miss that filled Spring's cache is the one load expected.
		long misses = this.annotated.loads() + this.spring.loads() - 1;
		this.redis.deleteKeys(BenchApplication.KEY_PREFIX);
		this.redis.deleteKeys(BenchApplication.SPRING_CACHE);
		this.redis.close();
		this.context.close();
		if (misses > 0) {
			throw new IllegalStateException(misses + " calls missed the cache (" + hits + " hits)");
		}
	}

}
