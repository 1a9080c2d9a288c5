package io.fatamorgana.ordercache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Removes an order (HDEL), or a whole period (UNLINK), after the method returned normally and,
 * inside a transaction, after the transaction committed (never on rollback). A method that throws
 * evicts nothing. A cache failure is logged and counted; the method's result is returned unchanged.
 *
 * <pre class="code">
 * &#064;EvictOrder(period = "#period", orderNo = "#orderNo")
 * public void delete(String period, String orderNo) { ... }
 *
 * &#064;EvictOrder(order = "#order")
 * public void cancel(Order order) { ... }
 *
 * &#064;EvictOrder(period = "#period", allInPeriod = true)
 * public void closePeriod(String period) { ... }
 * </pre>
 *
 * Give either {@link #order()}, or {@link #period()} with {@link #orderNo()} or
 * {@link #allInPeriod()}. Expressions are SpEL over the method call, as for {@link CacheOrder}.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface EvictOrder {

	/**
	 * Expression for an order object whose period and order number are read by the identity
	 * resolver.
	 * @return a SpEL expression, or empty to use {@link #period()} and {@link #orderNo()}
	 */
	String order() default "";

	/**
	 * Expression for the period number.
	 * @return a SpEL expression, or empty when {@link #order()} is given
	 */
	String period() default "";

	/**
	 * Expression for the order number.
	 * @return a SpEL expression, or empty when {@link #order()} or {@link #allInPeriod()} is given
	 */
	String orderNo() default "";

	/**
	 * Whether to remove the whole period's hash instead of one order.
	 * @return {@code true} to remove every order of the period
	 */
	boolean allInPeriod() default false;

}
