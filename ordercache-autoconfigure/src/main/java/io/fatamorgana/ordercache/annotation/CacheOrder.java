package io.fatamorgana.ordercache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the order a method created or changed, after the method returned normally and, inside a
 * transaction, after the transaction committed (never on rollback). A {@code null} or empty
 * {@code Optional} result caches nothing. A cache failure is logged and counted; the method's
 * result is returned unchanged.
 *
 * <pre class="code">
 * &#064;CacheOrder
 * &#064;Transactional
 * public Order create(CreateOrder command) { ... }
 * </pre>
 *
 * Expressions are SpEL over the method call: parameters by name ({@code #command}) or position
 * ({@code #p0}), {@code #result} for the returned value and, in {@link #period()} and
 * {@link #orderNo()}, {@code #order} for the order being cached.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface CacheOrder {

	/**
	 * Expression for the order to cache; by default the returned value, unwrapped from
	 * {@code Optional}.
	 * @return a SpEL expression
	 */
	String order() default "#result";

	/**
	 * Expression for the period number; by default read from the order's {@code periodNumber}
	 * property (see {@code ordercache.identity.*}).
	 * @return a SpEL expression, or empty for the default
	 */
	String period() default "";

	/**
	 * Expression for the order number; by default read from the order's {@code orderNo} property.
	 * @return a SpEL expression, or empty for the default
	 */
	String orderNo() default "";

}
