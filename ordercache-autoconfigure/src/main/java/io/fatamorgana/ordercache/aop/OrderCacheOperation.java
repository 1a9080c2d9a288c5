package io.fatamorgana.ordercache.aop;

import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;

/**
 * What one annotated method asks of the cache, parsed once from its annotation with expressions
 * already parsed.
 */
sealed interface OrderCacheOperation {

	/**
	 * The annotation and method, for messages: {@code @CacheOrder on 'OrderService.create(..)'}.
	 * @return the description
	 */
	String description();

	/**
	 * {@code @CacheOrder}: cache the order an expression yields after the call.
	 * @param description annotation and method
	 * @param order the order expression
	 * @param period the period expression, or {@code null} to read it from the order
	 * @param orderNo the order number expression, or {@code null} to read it from the order
	 */
	record Cache(String description, Expression order, @Nullable Expression period,
			@Nullable Expression orderNo) implements OrderCacheOperation {
	}

	/**
	 * {@code @EvictOrder}: remove an order or a period after the call.
	 * @param description annotation and method
	 * @param order the order expression, or {@code null} when period and order number are given
	 * @param period the period expression, or {@code null} when the order is given
	 * @param orderNo the order number expression, or {@code null} for the order or the whole period
	 * @param allInPeriod whether the whole period is removed
	 */
	record Evict(String description, @Nullable Expression order, @Nullable Expression period,
			@Nullable Expression orderNo, boolean allInPeriod) implements OrderCacheOperation {
	}

	/**
	 * {@code @CachedOrder}: answer from the cache or call and cache.
	 * @param description annotation and method
	 * @param period the period expression
	 * @param orderNo the order number expression
	 * @param orderType the class an order is read as
	 * @param optional whether the method returns {@code Optional}
	 */
	record Read(String description, Expression period, Expression orderNo, Class<?> orderType,
			boolean optional) implements OrderCacheOperation {
	}

	/**
	 * {@code @CachedPeriod}: answer from a complete period or call and cache the whole period.
	 * @param description annotation and method
	 * @param period the period expression
	 * @param orderType the class an order is read as
	 */
	record ReadPeriod(String description, Expression period, Class<?> orderType) implements OrderCacheOperation {
	}

}
