package io.fatamorgana.ordercache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Reads an order through the cache (cache-aside): on a hit the method is not called and the cached
 * order is returned; on a miss the method is called and its result is cached, then returned.
 * <p>
 * The method returns the order type or {@code Optional} of it. A {@code null} or empty
 * {@code Optional} result is returned as it is and not cached, so a later call asks the method
 * again. Inside a transaction the loaded order is cached after commit. When Redis fails or holds an
 * unreadable entry, the call is a miss: the method runs and its result is returned.
 *
 * <pre class="code">
 * &#064;CachedOrder(period = "#period", orderNo = "#orderNo")
 * public Optional&lt;Order&gt; find(String period, String orderNo) { ... }
 * </pre>
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface CachedOrder {

	/**
	 * Expression for the period number, SpEL over the method's parameters.
	 * @return a SpEL expression
	 */
	String period();

	/**
	 * Expression for the order number, SpEL over the method's parameters.
	 * @return a SpEL expression
	 */
	String orderNo();

}
