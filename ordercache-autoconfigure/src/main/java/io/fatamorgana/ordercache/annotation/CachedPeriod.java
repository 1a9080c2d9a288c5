package io.fatamorgana.ordercache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Reads every order of a period through the cache: when the period's hash is <em>complete</em>
 * (filled by a full load or warm-up, and no order evicted since), its orders are returned and the
 * method is not called; otherwise the method is called, its result is written to the period's hash
 * and marked complete, and returned. A hash filled order by order is never served as the whole
 * period.
 * <p>
 * The method returns {@code List} of the order type. Inside a transaction the loaded period is
 * cached after commit. An empty result is not cached (so that reads of periods that do not exist
 * create no keys), and neither is one larger than {@code ordercache.max-period-size}. When Redis fails, the method runs and its result is returned. The order of
 * cached orders is not kept: sort the result if order matters.
 *
 * <pre class="code">
 * &#064;CachedPeriod(period = "#period")
 * public List&lt;Order&gt; findByPeriod(String period) { ... }
 * </pre>
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface CachedPeriod {

	/**
	 * Expression for the period number, SpEL over the method's parameters.
	 * @return a SpEL expression
	 */
	String period();

}
