package io.fatamorgana.ordercache.warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.fatamorgana.ordercache.BatchResult;
import io.fatamorgana.ordercache.support.FailureLog;
import io.fatamorgana.ordercache.support.OrderCacheEngine;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * Warms up the configured hot periods when the application has started: each period is streamed
 * from the {@link OrderWarmUpSource} and written in chunks, carrying the load token read first, and
 * marked complete only when all of it was written. Runs on a background thread unless
 * {@code ordercache.warm-up.background=false}, where startup waits for it. Either way, periods that
 * failed (Redis or the database unreachable at startup) are tried again on a background thread with
 * a doubling delay, from {@code ordercache.warm-up.retry-delay} up to a minute, until they are
 * warmed or the application stops. Progress is logged at INFO (counts only) and kept for the endpoint.
 */
public final class OrderCacheWarmUp implements ApplicationRunner, DisposableBean {

	private static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(1);

	private static final Log logger = LogFactory.getLog("io.fatamorgana.ordercache");

	private final OrderCacheEngine engine;

	private final OrderWarmUpSource source;

	private final List<String> configuredPeriods;

	private final @Nullable HotPeriods hotPeriods;

	private final boolean background;

	private final Map<String, WarmUpProgress> progress = new LinkedHashMap<>();

	private final Duration retryDelay;

	private volatile boolean stopped;

	/**
	 * Creates the warm-up.
	 * @param engine writes the periods
	 * @param source reads the periods from the database
	 * @param configuredPeriods the periods from {@code ordercache.warm-up.periods}
	 * @param hotPeriods more periods to warm, or {@code null}
	 * @param background whether to run on a background thread, which retries failed periods
	 * @param retryDelay the first delay before a failed period is tried again; it doubles, up to a
	 * minute
	 */
	public OrderCacheWarmUp(OrderCacheEngine engine, OrderWarmUpSource source, List<String> configuredPeriods,
			@Nullable HotPeriods hotPeriods, boolean background, Duration retryDelay) {
		this.engine = engine;
		this.source = source;
		this.configuredPeriods = List.copyOf(configuredPeriods);
		this.hotPeriods = hotPeriods;
		this.background = background;
		this.retryDelay = retryDelay;
	}

	@Override
	public void run(ApplicationArguments args) {
		Set<String> periods = new LinkedHashSet<>(this.configuredPeriods);
		if (this.hotPeriods != null) {
			periods.addAll(this.hotPeriods.periods());
		}
		if (periods.isEmpty()) {
			return;
		}
		periods.forEach((period) -> update(new WarmUpProgress(period, WarmUpProgress.State.PENDING, 0, 0, false, null)));
		if (this.background) {
			startThread(() -> {
				warmUp(periods);
				retryFailed();
			});
		}
		else {
			warmUp(periods);
			if (!failed().isEmpty()) {
				// Startup waited once; it does not wait for the retries.
				startThread(this::retryFailed);
			}
		}
	}

	private static void startThread(Runnable work) {
		Thread thread = new Thread(work, "ordercache-warm-up");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * The progress of every period of the warm-up, in order.
	 * @return a snapshot
	 */
	public synchronized List<WarmUpProgress> progress() {
		return new ArrayList<>(this.progress.values());
	}

	/**
	 * The number of orders written by the warm-up so far.
	 * @return the total
	 */
	public synchronized long written() {
		return this.progress.values().stream().mapToLong(WarmUpProgress::written).sum();
	}

	/**
	 * Warms up periods one after the other, now, on the calling thread.
	 * @param periods the period numbers
	 */
	public void warmUp(Collection<String> periods) {
		long start = System.nanoTime();
		for (String period : periods) {
			warmUpPeriod(period);
		}
		logger.info("Order cache warm-up finished: " + periods.size() + " periods, " + written() + " orders in "
				+ (System.nanoTime() - start) / 1_000_000 + " ms");
	}

	/** Tries the failed periods again with a doubling delay until none is left. */
	private void retryFailed() {
		Duration delay = this.retryDelay;
		List<String> failed = failed();
		while (!failed.isEmpty() && !this.stopped) {
			logger.info("Order cache warm-up: " + failed.size() + " periods failed, trying again in "
					+ delay.toMillis() + " ms");
			try {
				Thread.sleep(delay.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			failed.forEach(this::warmUpPeriod);
			failed = failed();
			delay = (delay.multipliedBy(2).compareTo(MAX_RETRY_DELAY) > 0) ? MAX_RETRY_DELAY : delay.multipliedBy(2);
		}
	}

	private synchronized List<String> failed() {
		return this.progress.values().stream()
			.filter((period) -> period.state() == WarmUpProgress.State.FAILED)
			.map(WarmUpProgress::period)
			.toList();
	}

	@Override
	public void destroy() {
		this.stopped = true;
	}

	private void warmUpPeriod(String period) {
		update(new WarmUpProgress(period, WarmUpProgress.State.RUNNING, 0, 0, false, null));
		try {
			String loadToken = this.engine.loadToken(period);
			BatchResult result;
			try (Stream<?> orders = this.source.orders(period)) {
				result = this.engine.writeLoadedPeriod(period, orders.iterator(), loadToken, (written) -> update(
						new WarmUpProgress(period, WarmUpProgress.State.RUNNING, written, 0, false, null)));
			}
			boolean complete = this.engine.isComplete(period);
			update(new WarmUpProgress(period, WarmUpProgress.State.DONE, result.cached(), result.skipped().size(),
					complete, null));
			logger.info("Order cache warm-up of period " + period + ": " + result.cached() + " orders cached, "
					+ result.skipped().size() + " skipped, " + (complete ? "complete" : "not complete"));
		}
		catch (RuntimeException ex) {
			String failure = FailureLog.describe(ex);
			update(new WarmUpProgress(period, WarmUpProgress.State.FAILED, 0, 0, false, failure));
			logger.warn("Order cache warm-up of period " + period + " failed: " + failure);
		}
	}

	private synchronized void update(WarmUpProgress next) {
		this.progress.put(next.period(), next);
	}

}
