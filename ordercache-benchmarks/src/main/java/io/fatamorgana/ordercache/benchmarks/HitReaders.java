package io.fatamorgana.ordercache.benchmarks;

import java.time.Duration;
import java.util.Map;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.near.NearCache;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The readers of benchmark 2 around one order cached beforehand in each: {@code @CachedOrder},
 * {@code @Cacheable}, raw Lettuce {@code HGET} decoded by plain Jackson and by ordercache's own
 * decoder, and {@code @CachedOrder} again in a second application with the near cache on, reading
 * the same order of the same hash. Closing it fails if any read missed, or if the near cache did not
 * answer the near reader's calls from memory.
 */
final class HitReaders implements AutoCloseable {

	private static final String PERIOD = "20241201_802";

	/** How long the near cache may take to subscribe and hear its first heartbeat. */
	private static final Duration NEAR_TRUST_TIMEOUT = Duration.ofSeconds(20);

	private final BenchOrder order = BenchOrder.of(PERIOD, 1);

	private final byte[] rawKey = Orders.bytes(BenchApplication.KEY_PREFIX + "raw_" + PERIOD);

	private final byte[] rawField = Orders.bytes(this.order.orderNo());

	private final ConfigurableApplicationContext context;

	private final AnnotatedOrders annotated;

	private final SpringCachedOrders spring;

	private final BenchRedis redis;

	private final long hitsBefore;

	/** A second application, the near cache on: the same beans, the engine reading through memory. */
	private final ConfigurableApplicationContext nearContext;

	private final AnnotatedOrders nearAnnotated;

	private final NearCache nearCache;

	private final long nearHitsBefore;

	private long nearCalls;

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
		// A context of its own: the near cache replaces the store of every ordercache call of its
		// application, and the @CachedOrder reader above must keep reading Redis.
		this.nearContext = BenchApplication.start(redisUrl, false, Map.of("ordercache.near-cache.enabled", true));
		this.nearAnnotated = this.nearContext.getBean(AnnotatedOrders.class);
		this.nearCache = this.nearContext.getBean(NearCache.class);
		try {
			this.nearHitsBefore = fillNearCache();
		}
		catch (RuntimeException ex) {
			// Nobody closes a reader that was never made: its applications must not outlive the failure.
			this.redis.close();
			this.nearContext.close();
			this.context.close();
			throw ex;
		}
	}

	/**
	 * Waits until the near cache answers from memory (subscribed, a heartbeat heard), then reads the
	 * order through it until a read is a hit from memory: the first read comes from Redis and fills it.
	 * @return the near cache's hits before the measured calls
	 */
	private long fillNearCache() {
		long deadline = System.nanoTime() + NEAR_TRUST_TIMEOUT.toNanos();
		while (!this.nearCache.trusted()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The near cache was not trusted within " + NEAR_TRUST_TIMEOUT.toSeconds()
						+ " s (subscribed: " + this.nearCache.subscribed() + ")");
			}
			sleep(20);
		}
		for (int attempt = 0; attempt < 5; attempt++) {
			long hits = this.nearCache.statistics().hits();
			this.nearAnnotated.find(PERIOD, this.order.orderNo());
			if (this.nearCache.statistics().hits() > hits) {
				return this.nearCache.statistics().hits();
			}
		}
		throw new IllegalStateException("The near cache answered none of 5 reads of " + this.order.orderNo()
				+ " from memory: " + this.nearCache.statistics());
	}

	BenchOrder ordercache() {
		return this.annotated.find(PERIOD, this.order.orderNo());
	}

	BenchOrder springCacheable() {
		return this.spring.find(PERIOD, this.order.orderNo());
	}

	BenchOrder ordercacheNearCache() {
		this.nearCalls++;
		return this.nearAnnotated.find(PERIOD, this.order.orderNo());
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
		long misses = this.annotated.loads() + this.spring.loads() + this.nearAnnotated.loads() - 1;
		long fromMemory = this.nearCache.statistics().hits() - this.nearHitsBefore;
		long notFromMemory = this.nearCalls - fromMemory;
		this.redis.deleteKeys(BenchApplication.KEY_PREFIX);
		this.redis.deleteKeys(BenchApplication.SPRING_CACHE);
		this.redis.close();
		this.nearContext.close();
		this.context.close();
		if (misses > 0) {
			throw new IllegalStateException(misses + " calls missed the cache (" + hits + " hits)");
		}
		// A near-cache read that went to Redis (the near cache flushed after a lost heartbeat, or an
		// entry reached its maximum age) costs a round trip, 20-30 times a hit from memory: beyond one
		// in a thousand, the near reader's figure would not be the near cache's.
		if (notFromMemory > this.nearCalls / 1000) {
			throw new IllegalStateException(notFromMemory + " of " + this.nearCalls
					+ " near-cache reads were not answered from memory: " + this.nearCache.statistics());
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
