package io.fatamorgana.ordercache.warmup;

import java.util.Collection;

/**
 * Names the periods to warm up at startup when they are not fixed in
 * {@code ordercache.warm-up.periods}, for example the current and the previous period.
 */
@FunctionalInterface
public interface HotPeriods {

	/**
	 * The periods to warm up now.
	 * @return period numbers
	 */
	Collection<String> periods();

}
