package io.fatamorgana.ordercache.autoconfigure;

import java.time.Duration;

import io.fatamorgana.ordercache.key.OrderKeys;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

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
	 * Time to live of a period's hash, set again by every write to the period.
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

	private final Identity identity = new Identity();

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

	public Identity getIdentity() {
		return this.identity;
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
		this.identity.validate();
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

		private static void requireJavaIdentifier(String property, String value) {
			boolean valid = !value.isEmpty() && Character.isJavaIdentifierStart(value.charAt(0))
					&& value.chars().allMatch(Character::isJavaIdentifierPart);
			if (!valid) {
				throw new InvalidOrderCachePropertyException(property, value, "must be a Java property name");
			}
		}

	}

}
