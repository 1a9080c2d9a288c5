package io.fatamorgana.ordercache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.fatamorgana.ordercache.key.OrderKeys;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the order cache, under {@code ordercache}.
 */
@ConfigurationProperties("ordercache")
public class OrderCacheProperties implements InitializingBean {

	/**
	 * Whether the order cache is on. When off, no cache bean is created and annotated methods run
	 * as if they had no cache annotation.
	 */
	private boolean enabled = true;

	/**
	 * Prefix of the Redis key of each period's hash; the key is this prefix followed by the period
	 * number. Letters, digits and _ : . - only.
	 */
	private String keyPrefix = "fataMorgana_";

	/**
	 * Time to live of a period's hash, set when it gets its first order and not renewed by later
	 * writes, so that no cached copy is older than this. At least the tombstone TTL.
	 */
	private Duration ttl = Duration.ofHours(24);

	/**
	 * Most orders a batch writes with one Redis command.
	 */
	private int batchChunkSize = 500;

	/**
	 * Shortest time between two warnings about failures of the same cache operation; failures in
	 * between are counted and reported with the next warning.
	 */
	private Duration failureLogInterval = Duration.ofSeconds(30);

	/**
	 * Most orders a whole-period read (getOrdersByPeriod, @CachedPeriod) transfers; larger periods
	 * are refused (getOrdersByPeriod) or read from the database (@CachedPeriod); stream them with
	 * streamOrdersByPeriod.
	 */
	private long maxPeriodSize = 50_000;

	/**
	 * Largest JSON of one order the cache writes or reads. A larger order is not cached (a committed
	 * change of it evicts its older copy instead); a larger value found in Redis is never
	 * transferred: it is removed and the read is a miss.
	 */
	private DataSize maxEntrySize = DataSize.ofKilobytes(512);

	/**
	 * Share of the TTL taken off at random on each write (0 to 0.5), so that periods written
	 * together do not expire together.
	 */
	private double ttlJitter = 0.05;

	/**
	 * Order of the ordercache advisor among the advisors of a bean. The default, lowest precedence,
	 * with the advisor registered after Spring Boot's transaction auto-configuration, puts it inside
	 * the transaction advisor, so that a change waits for the commit of the transaction of the method
	 * that made it (REQUIRES_NEW, NOT_SUPPORTED). A startup warning says when another value puts it
	 * outside.
	 */
	private int advisorOrder = Ordered.LOWEST_PRECEDENCE;

	/**
	 * Longest a read waits for the same read (same bean, method and arguments) running in another
	 * thread before it calls the method itself.
	 */
	private Duration singleFlightWait = Duration.ofSeconds(2);

	private final Identity identity = new Identity();

	private final Consistency consistency = new Consistency();

	private final Resilience resilience = new Resilience();

	private final Health health = new Health();

	private final WarmUp warmUp = new WarmUp();

	private final PendingEvictions pendingEvictions = new PendingEvictions();

	private final NearCache nearCache = new NearCache();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public int getBatchChunkSize() {
		return this.batchChunkSize;
	}

	public void setBatchChunkSize(int batchChunkSize) {
		this.batchChunkSize = batchChunkSize;
	}

	public Duration getFailureLogInterval() {
		return this.failureLogInterval;
	}

	public void setFailureLogInterval(Duration failureLogInterval) {
		this.failureLogInterval = failureLogInterval;
	}

	public long getMaxPeriodSize() {
		return this.maxPeriodSize;
	}

	public void setMaxPeriodSize(long maxPeriodSize) {
		this.maxPeriodSize = maxPeriodSize;
	}

	public double getTtlJitter() {
		return this.ttlJitter;
	}

	public void setTtlJitter(double ttlJitter) {
		this.ttlJitter = ttlJitter;
	}

	public Identity getIdentity() {
		return this.identity;
	}

	public Consistency getConsistency() {
		return this.consistency;
	}

	public Resilience getResilience() {
		return this.resilience;
	}

	public Health getHealth() {
		return this.health;
	}

	public WarmUp getWarmUp() {
		return this.warmUp;
	}

	public NearCache getNearCache() {
		return this.nearCache;
	}

	public PendingEvictions getPendingEvictions() {
		return this.pendingEvictions;
	}

	public DataSize getMaxEntrySize() {
		return this.maxEntrySize;
	}

	public void setMaxEntrySize(DataSize maxEntrySize) {
		this.maxEntrySize = maxEntrySize;
	}

	public int getAdvisorOrder() {
		return this.advisorOrder;
	}

	public void setAdvisorOrder(int advisorOrder) {
		this.advisorOrder = advisorOrder;
	}

	public Duration getSingleFlightWait() {
		return this.singleFlightWait;
	}

	public void setSingleFlightWait(Duration singleFlightWait) {
		this.singleFlightWait = singleFlightWait;
	}

	@Override
	public void afterPropertiesSet() {
		try {
			OrderKeys.requireValid("key prefix", this.keyPrefix);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidOrderCachePropertyException("ordercache.key-prefix", this.keyPrefix, ex.getMessage());
		}
		if (this.ttl.isNegative() || this.ttl.isZero() || this.ttl.toMillis() == 0) {
			throw new InvalidOrderCachePropertyException("ordercache.ttl", this.ttl,
					"must be at least 1ms; keys without a TTL are not allowed");
		}
		if (this.batchChunkSize < 1 || this.batchChunkSize > 5000) {
			throw new InvalidOrderCachePropertyException("ordercache.batch-chunk-size", this.batchChunkSize,
					"must be between 1 and 5000");
		}
		if (this.failureLogInterval.isNegative()) {
			throw new InvalidOrderCachePropertyException("ordercache.failure-log-interval", this.failureLogInterval,
					"must not be negative");
		}
		if (this.maxPeriodSize < 1) {
			throw new InvalidOrderCachePropertyException("ordercache.max-period-size", this.maxPeriodSize,
					"must be at least 1");
		}
		if (!(this.ttlJitter >= 0 && this.ttlJitter <= 0.5)) {
			throw new InvalidOrderCachePropertyException("ordercache.ttl-jitter", this.ttlJitter,
					"must be between 0 and 0.5");
		}
		if (this.maxEntrySize.toBytes() < 64) {
			throw new InvalidOrderCachePropertyException("ordercache.max-entry-size", this.maxEntrySize,
					"must be at least 64B");
		}
		requirePositive("ordercache.warm-up.retry-delay", this.warmUp.getRetryDelay());
		if (this.singleFlightWait.isNegative()) {
			throw new InvalidOrderCachePropertyException("ordercache.single-flight-wait", this.singleFlightWait,
					"must not be negative");
		}
		for (String period : this.warmUp.periods) {
			try {
				OrderKeys.requireValid("period number", period);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidOrderCachePropertyException("ordercache.warm-up.periods", period, ex.getMessage());
			}
		}
		this.identity.validate();
		this.consistency.validate();
		if (this.ttl.compareTo(this.consistency.getTombstoneTtl()) < 0) {
			throw new InvalidOrderCachePropertyException("ordercache.ttl", this.ttl,
					"must be at least ordercache.consistency.tombstone-ttl (" + this.consistency.getTombstoneTtl()
							+ "): a period's key must outlive the tombstones that protect it");
		}
		this.resilience.validate();
		this.nearCache.validate();
	}

	private static void requirePositive(String property, Duration value) {
		if (value.isNegative() || value.isZero() || value.toMillis() == 0) {
			throw new InvalidOrderCachePropertyException(property, value, "must be at least 1ms");
		}
	}

	/**
	 * Where the default identity resolver reads an order's period and order number.
	 */
	public static class Identity {

		/**
		 * Name of the order property that holds the period number (getter, record accessor or
		 * public field).
		 */
		private String periodProperty = "periodNumber";

		/**
		 * Name of the order property that holds the order number (getter, record accessor or
		 * public field).
		 */
		private String orderNoProperty = "orderNo";

		public String getPeriodProperty() {
			return this.periodProperty;
		}

		public void setPeriodProperty(String periodProperty) {
			this.periodProperty = periodProperty;
		}

		public String getOrderNoProperty() {
			return this.orderNoProperty;
		}

		public void setOrderNoProperty(String orderNoProperty) {
			this.orderNoProperty = orderNoProperty;
		}

		void validate() {
			requireJavaIdentifier("ordercache.identity.period-property", this.periodProperty);
			requireJavaIdentifier("ordercache.identity.order-no-property", this.orderNoProperty);
		}

		static void requireJavaIdentifier(String property, String value) {
			boolean valid = !value.isEmpty() && Character.isJavaIdentifierStart(value.charAt(0))
					&& value.chars().allMatch(Character::isJavaIdentifierPart);
			if (!valid) {
				throw new InvalidOrderCachePropertyException(property, value, "must be a Java property name");
			}
		}

	}

	/**
	 * How the cache keeps from serving orders older than the database.
	 */
	public static class Consistency {

		/**
		 * Order properties that hold its version, the first one an order has counts: a write never
		 * replaces a cached order whose version is higher (numbers) or later (ISO-8601 UTC
		 * timestamps).
		 */
		private List<String> versionProperties = new ArrayList<>(List.of("version", "updatedAt"));

		/**
		 * How long an evicted order is kept from being cached again by writes that may carry an
		 * older copy, and how long a dropped period refuses loads begun before the drop. Longer
		 * than the slowest database read of an order or a period.
		 */
		private Duration tombstoneTtl = Duration.ofSeconds(60);

		public List<String> getVersionProperties() {
			return this.versionProperties;
		}

		public void setVersionProperties(List<String> versionProperties) {
			this.versionProperties = versionProperties;
		}

		public Duration getTombstoneTtl() {
			return this.tombstoneTtl;
		}

		public void setTombstoneTtl(Duration tombstoneTtl) {
			this.tombstoneTtl = tombstoneTtl;
		}

		void validate() {
			this.versionProperties
				.forEach((name) -> Identity.requireJavaIdentifier("ordercache.consistency.version-properties", name));
			requirePositive("ordercache.consistency.tombstone-ttl", this.tombstoneTtl);
		}

	}

	/**
	 * How the cache keeps a slow or dead Redis from slowing the application down.
	 */
	public static class Resilience {

		/**
		 * How long the cache waits at least for Redis to answer a command on one order,
		 * independent of spring.data.redis.timeout. The wait adapts to how fast Redis answers
		 * (twice the slowest reply of the last one to two seconds) up to command-timeout-ceiling;
		 * with no replies (Redis dead) it is this.
		 */
		private Duration commandTimeout = Duration.ofMillis(50);

		/**
		 * How long the cache waits at most for Redis to answer a command on one order. A reply
		 * that comes after its call stopped waiting but within this counts as an answer (Redis is
		 * slow, not dead) and lengthens the wait; one later than this counts as a failure towards
		 * the circuit. Set it to command-timeout (or shorter) for a fixed wait.
		 */
		private Duration commandTimeoutCeiling = Duration.ofMillis(500);

		/**
		 * How long the cache waits for Redis to answer a command on many orders (a batch chunk, a
		 * whole period).
		 */
		private Duration bulkTimeout = Duration.ofSeconds(2);

		/**
		 * Consecutive Redis failures after which cache calls are skipped at once (circuit open). On
		 * Redis Cluster they are counted per primary, and only the calls for the slots of a primary
		 * that fails are skipped.
		 */
		private int failureThreshold = 5;

		/**
		 * How long a circuit stays open before a background probe checks its Redis (node) again.
		 */
		private Duration openDuration = Duration.ofSeconds(1);

		/**
		 * How often the background task probes Redis while the circuit is open and replays
		 * evictions that failed.
		 */
		private Duration maintenanceInterval = Duration.ofMillis(250);

		/**
		 * Most failed order evictions remembered one by one for replay; beyond, their whole
		 * periods are dropped when Redis is back, and beyond that every period.
		 */
		private int pendingEvictionCapacity = 10_000;

		/**
		 * Most cache calls that may wait for Redis at once; more are skipped at once (the database
		 * answers), so that a frozen Redis holds at most this many request threads, each for at most
		 * its timeout. On Redis Cluster the limit is per primary: a frozen primary cannot take the
		 * calls for the others' slots.
		 */
		private int maxConcurrentCalls = 64;

		/**
		 * Longest delay between two attempts to reconnect to a Redis that went away, applied to
		 * the client resources Spring Boot builds (Lettuce's own default grows to 30s, which kept
		 * the cache bypassed that long after Redis was back).
		 */
		private Duration reconnectMaxDelay = Duration.ofMillis(500);

		public int getMaxConcurrentCalls() {
			return this.maxConcurrentCalls;
		}

		public void setMaxConcurrentCalls(int maxConcurrentCalls) {
			this.maxConcurrentCalls = maxConcurrentCalls;
		}

		public Duration getReconnectMaxDelay() {
			return this.reconnectMaxDelay;
		}

		public void setReconnectMaxDelay(Duration reconnectMaxDelay) {
			this.reconnectMaxDelay = reconnectMaxDelay;
		}

		public Duration getCommandTimeout() {
			return this.commandTimeout;
		}

		public void setCommandTimeout(Duration commandTimeout) {
			this.commandTimeout = commandTimeout;
		}

		public Duration getCommandTimeoutCeiling() {
			return this.commandTimeoutCeiling;
		}

		public void setCommandTimeoutCeiling(Duration commandTimeoutCeiling) {
			this.commandTimeoutCeiling = commandTimeoutCeiling;
		}

		/**
		 * The ceiling that applies: never shorter than the command timeout.
		 * @return the longer of command-timeout-ceiling and command-timeout
		 */
		public Duration effectiveCommandTimeoutCeiling() {
			return (this.commandTimeoutCeiling.compareTo(this.commandTimeout) < 0) ? this.commandTimeout
					: this.commandTimeoutCeiling;
		}

		public Duration getBulkTimeout() {
			return this.bulkTimeout;
		}

		public void setBulkTimeout(Duration bulkTimeout) {
			this.bulkTimeout = bulkTimeout;
		}

		public int getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

		public Duration getOpenDuration() {
			return this.openDuration;
		}

		public void setOpenDuration(Duration openDuration) {
			this.openDuration = openDuration;
		}

		public Duration getMaintenanceInterval() {
			return this.maintenanceInterval;
		}

		public void setMaintenanceInterval(Duration maintenanceInterval) {
			this.maintenanceInterval = maintenanceInterval;
		}

		public int getPendingEvictionCapacity() {
			return this.pendingEvictionCapacity;
		}

		public void setPendingEvictionCapacity(int pendingEvictionCapacity) {
			this.pendingEvictionCapacity = pendingEvictionCapacity;
		}

		void validate() {
			requirePositive("ordercache.resilience.command-timeout", this.commandTimeout);
			requirePositive("ordercache.resilience.command-timeout-ceiling", this.commandTimeoutCeiling);
			requirePositive("ordercache.resilience.bulk-timeout", this.bulkTimeout);
			requirePositive("ordercache.resilience.open-duration", this.openDuration);
			requirePositive("ordercache.resilience.maintenance-interval", this.maintenanceInterval);
			if (this.failureThreshold < 1) {
				throw new InvalidOrderCachePropertyException("ordercache.resilience.failure-threshold",
						this.failureThreshold, "must be at least 1");
			}
			requirePositive("ordercache.resilience.reconnect-max-delay", this.reconnectMaxDelay);
			if (this.maxConcurrentCalls < 1) {
				throw new InvalidOrderCachePropertyException("ordercache.resilience.max-concurrent-calls",
						this.maxConcurrentCalls, "must be at least 1");
			}
			if (this.pendingEvictionCapacity < 1) {
				throw new InvalidOrderCachePropertyException("ordercache.resilience.pending-eviction-capacity",
						this.pendingEvictionCapacity, "must be at least 1");
			}
		}

	}

	/**
	 * Where evictions that could not reach Redis are kept until they are replayed; the table of the
	 * jdbc store is configured under ordercache.pending-evictions.jdbc.
	 */
	public static class PendingEvictions {

		/**
		 * Where evictions that could not reach Redis are kept: auto (jdbc when the application has
		 * a DataSource, else memory), memory (in this instance only: lost if it dies before Redis
		 * answers again), or jdbc (in a table of the application's database, replayed by whichever
		 * instance reaches Redis first).
		 */
		private Store store = Store.AUTO;

		public Store getStore() {
			return this.store;
		}

		public void setStore(Store store) {
			this.store = store;
		}

		/**
		 * Where pending evictions are kept.
		 */
		public enum Store {

			/** jdbc when the application has one DataSource, else memory. */
			AUTO,

			/** In this instance's memory only. */
			MEMORY,

			/** In a table of the application's database, as well as in memory. */
			JDBC

		}

	}

	/**
	 * How the cache reports to Spring Boot's health endpoint.
	 */
	public static class Health {

		/**
		 * Whether an unreachable Redis makes the orderCache health contributor DOWN. Off by
		 * default: the application works without its cache, so it stays UP and the details say
		 * that Redis is unreachable.
		 */
		private boolean downWhenUnavailable;

		public boolean isDownWhenUnavailable() {
			return this.downWhenUnavailable;
		}

		public void setDownWhenUnavailable(boolean downWhenUnavailable) {
			this.downWhenUnavailable = downWhenUnavailable;
		}

	}

	/**
	 * Warm-up of hot periods at startup, from the application's OrderWarmUpSource bean.
	 */
	public static class WarmUp {

		/**
		 * Whether to warm up hot periods at startup when an OrderWarmUpSource bean exists.
		 */
		private boolean enabled = true;

		/**
		 * Periods to warm up at startup; a HotPeriods bean may add more.
		 */
		private List<String> periods = new ArrayList<>();

		/**
		 * Whether the warm-up runs on a background thread, so that startup does not wait for it.
		 */
		private boolean background = true;

		/**
		 * First delay before the background warm-up tries a failed period again; it doubles after
		 * each failure, up to a minute, until the period is warmed.
		 */
		private Duration retryDelay = Duration.ofSeconds(1);

		public Duration getRetryDelay() {
			return this.retryDelay;
		}

		public void setRetryDelay(Duration retryDelay) {
			this.retryDelay = retryDelay;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<String> getPeriods() {
			return this.periods;
		}

		public void setPeriods(List<String> periods) {
			this.periods = periods;
		}

		public boolean isBackground() {
			return this.background;
		}

		public void setBackground(boolean background) {
			this.background = background;
		}

	}

	/**
	 * The near cache: an in-process level in front of Redis for reads of one order
	 * ({@code @CachedOrder}, {@code getOrder}), kept coherent across instances by messages that
	 * Redis publishes with every change (docs/protocol.md, "Near cache").
	 */
	public static class NearCache {

		/**
		 * Whether reads of one order are answered from the application's memory when possible.
		 */
		private boolean enabled;

		/**
		 * The most orders held in memory; the least used go first.
		 */
		private long maximumSize = 10_000;

		/**
		 * The longest an order is held in memory, whatever the messages say: a safety net against
		 * changes no message reports (other programs writing to Redis).
		 */
		private Duration maximumAge = Duration.ofSeconds(60);

		/**
		 * How often each instance publishes a heartbeat on the near cache's channel.
		 */
		private Duration heartbeatInterval = Duration.ofSeconds(1);

		/**
		 * How long without any heartbeat on the channel (this instance's own included) before the
		 * near cache is emptied and bypassed, until heartbeats arrive again.
		 */
		private Duration heartbeatTimeout = Duration.ofSeconds(3);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public long getMaximumSize() {
			return this.maximumSize;
		}

		public void setMaximumSize(long maximumSize) {
			this.maximumSize = maximumSize;
		}

		public Duration getMaximumAge() {
			return this.maximumAge;
		}

		public void setMaximumAge(Duration maximumAge) {
			this.maximumAge = maximumAge;
		}

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

		public Duration getHeartbeatTimeout() {
			return this.heartbeatTimeout;
		}

		public void setHeartbeatTimeout(Duration heartbeatTimeout) {
			this.heartbeatTimeout = heartbeatTimeout;
		}

		void validate() {
			if (this.maximumSize < 1) {
				throw new InvalidOrderCachePropertyException("ordercache.near-cache.maximum-size", this.maximumSize,
						"must be at least 1");
			}
			requirePositive("ordercache.near-cache.maximum-age", this.maximumAge);
			requirePositive("ordercache.near-cache.heartbeat-interval", this.heartbeatInterval);
			if (this.heartbeatTimeout.compareTo(this.heartbeatInterval.multipliedBy(2)) < 0) {
				throw new InvalidOrderCachePropertyException("ordercache.near-cache.heartbeat-timeout",
						this.heartbeatTimeout, "must be at least twice ordercache.near-cache.heartbeat-interval ("
								+ this.heartbeatInterval + "), or one late heartbeat would turn the near cache off");
			}
		}

	}

}
