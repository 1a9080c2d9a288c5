package io.fatamorgana.ordercache.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.near.NearCache;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Benchmark 8: how long after a change another JVM hears of it on the near cache's channel. The
 * suite's JVM runs the application with the near cache on and changes orders of a watched period
 * at a steady rate through {@link OrderCacheService#cacheOrder}; an {@link InvalidationListener} in a
 * JVM of its own notes when each message arrives. Both take {@link System#nanoTime()}, which on Linux
 * reads CLOCK_MONOTONIC, one clock for every process of the machine, so that the times of the two
 * JVMs can be subtracted. A plain harness rather than JMH: what is measured spans two processes.
 */
final class InvalidationDeliveryBenchmark {

	private static final String PERIOD = "20241201_808";

	/**
	 * Writes per second, from one thread: steady and far below what one thread can write here (about
	 * 13,000 a second, benchmark 1), so that what is measured is each message's way, not a queue of them.
	 */
	private static final int RATE = 500;

	/** The target for the p99 of the delivery. */
	private static final long TARGET_NANOS = 2_000_000;

	/** How long after the last write a message may still come before the missing ones count as lost. */
	private static final Duration DRAIN = Duration.ofSeconds(2);

	/** How long the near cache may take to subscribe and hear its first heartbeat. */
	private static final Duration TRUST_TIMEOUT = Duration.ofSeconds(20);

	private InvalidationDeliveryBenchmark() {
	}

	/**
	 * Runs the benchmark.
	 * @param settings quick or full
	 * @return the section with its table and target
	 */
	static Section run(BenchSettings settings) {
		int warmUpSeconds = settings.pick(2, 5);
		int measuredSeconds = settings.pick(5, 20);
		int warmUp = warmUpSeconds * RATE;
		String channel = BenchApplication.KEY_PREFIX + "!near";
		String key = BenchApplication.KEY_PREFIX + PERIOD;
		// A new order each time, so that each message names the one write it reports.
		List<BenchOrder> orders = Orders.period(PERIOD, warmUp + measuredSeconds * RATE);
		BenchOrder watched = BenchOrder.of(PERIOD, 999_999);
		long[] sent = new long[orders.size()];
		long[] acknowledged = new long[orders.size()];
		List<InvalidationListener.Arrival> arrivals;
		try (BenchRedis redis = new BenchRedis(settings.redisUrl())) {
			redis.deleteKeys(key);
			Path log = settings.workDirectory().resolve("invalidation-listener.log");
			log("starting the listening JVM (log " + log + ")");
			try (InvalidationListener listener = InvalidationListener.start(settings.redisUrl(), channel,
					settings.workDirectory().resolve("invalidation-arrivals.txt"), log);
					ConfigurableApplicationContext context = BenchApplication.start(settings.redisUrl(), false,
							Map.of("ordercache.near-cache.enabled", true))) {
				OrderCacheService service = context.getBean(OrderCacheService.class);
				watch(context.getBean(NearCache.class), service, redis, watched, key, channel);
				log(String.format(Locale.ROOT, "writing %d orders a second: %d s of warm-up, %d s measured", RATE,
						warmUpSeconds, measuredSeconds));
				write(service, orders, sent, acknowledged);
				sleep(DRAIN.toMillis());
				arrivals = listener.stop();
				log(arrivals.size() + " messages arrived");
			}
			finally {
				redis.deleteKeys(key);
			}
		}
		return section(orders, warmUp, sent, acknowledged, arrivals, key, warmUpSeconds, measuredSeconds);
	}

	/**
	 * Makes the period watched: without its watch field {@code !n}, which the first read of one of its
	 * orders through a trusted near cache sets, the scripts publish none of its changes.
	 */
	private static void watch(NearCache near, OrderCacheService service, BenchRedis redis, BenchOrder watched,
			String key, String channel) {
		long deadline = System.nanoTime() + TRUST_TIMEOUT.toNanos();
		while (!near.trusted()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The near cache was not trusted within " + TRUST_TIMEOUT.toSeconds()
						+ " s (subscribed: " + near.subscribed() + ")");
			}
			sleep(20);
		}
		service.cacheOrder(watched);
		if (service.getOrder(PERIOD, watched.orderNo(), BenchOrder.class).isEmpty()) {
			throw new IllegalStateException("The order just cached, " + watched.orderNo() + ", was not found");
		}
		byte[] watch = redis.sync().hget(Orders.bytes(key), Orders.bytes("!n"));
		if (watch == null || !channel.equals(new String(watch, StandardCharsets.UTF_8))) {
			throw new IllegalStateException("The near cache's read did not watch " + key + " (!n = "
					+ ((watch != null) ? new String(watch, StandardCharsets.UTF_8) : "none") + ", expected " + channel + ")");
		}
	}

	/** One write every 1/{@value #RATE} s, each timed just before the call and just after it returned. */
	private static void write(OrderCacheService service, List<BenchOrder> orders, long[] sent, long[] acknowledged) {
		long interval = 1_000_000_000L / RATE;
		long start = System.nanoTime() + interval;
		for (int i = 0; i < orders.size(); i++) {
			long due = start + i * interval;
			long wait;
			while ((wait = due - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			sent[i] = System.nanoTime();
			service.cacheOrder(orders.get(i));
			acknowledged[i] = System.nanoTime();
		}
	}

	private static Section section(List<BenchOrder> orders, int warmUp, long[] sent, long[] acknowledged,
			List<InvalidationListener.Arrival> arrivals, String key, int warmUpSeconds, int measuredSeconds) {
		// Each committed write publishes 'o <key> <epoch> <sequence> <orderNo>': matched by order number.
		Map<String, Long> arrivedAt = new HashMap<>();
		int messages = 0;
		int others = 0;
		for (InvalidationListener.Arrival arrival : arrivals) {
			String[] parts = arrival.message().split(" ");
			if (parts.length >= 5 && parts[0].equals("o") && parts[1].equals(key)) {
				messages++;
				for (int i = 4; i < parts.length; i++) {
					arrivedAt.putIfAbsent(parts[i], arrival.nanos());
				}
			}
			else {
				others++;
			}
		}
		int measured = orders.size() - warmUp;
		long[] afterAcknowledged = new long[measured];
		long[] afterSent = new long[measured];
		long[] writeTimes = new long[measured];
		int received = 0;
		int beforeAcknowledged = 0;
		long earliest = Long.MAX_VALUE;
		for (int i = 0; i < orders.size(); i++) {
			Long arrived = arrivedAt.get(orders.get(i).orderNo());
			if (arrived != null) {
				earliest = Math.min(earliest, arrived - sent[i]);
			}
			if (i < warmUp || arrived == null) {
				continue;
			}
			afterAcknowledged[received] = arrived - acknowledged[i];
			afterSent[received] = arrived - sent[i];
			writeTimes[received] = acknowledged[i] - sent[i];
			if (arrived < acknowledged[i]) {
				beforeAcknowledged++;
			}
			received++;
		}
		int lost = measured - received;
		if (received > 0 && earliest < 0) {
			// Redis publishes inside the write's script: no message can arrive before its write was sent.
			throw new IllegalStateException("A message arrived " + Format.nanos(-earliest)
					+ " before its write was sent: the two JVMs' System.nanoTime() are not one clock here");
		}
		afterAcknowledged = Arrays.copyOf(afterAcknowledged, received);
		afterSent = Arrays.copyOf(afterSent, received);
		writeTimes = Arrays.copyOf(writeTimes, received);
		Arrays.sort(afterAcknowledged);
		Arrays.sort(afterSent);
		Arrays.sort(writeTimes);
		double seconds = (sent[sent.length - 1] - sent[warmUp]) / 1e9;

		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT,
				"A change made in one JVM, heard in another. The suite's JVM runs the benchmark application with "
						+ "`ordercache.near-cache.enabled=true`; it caches one order of a period and reads it once "
						+ "through the near cache, which marks the period watched (`!n`): from then on the script "
						+ "that makes a change of the period publishes it on `%s!near` in the same atomic step "
						+ "(`o <key> <epoch> <sequence> <orderNo>`). A second JVM (`InvalidationListener`, started "
						+ "with `java -cp` and the suite's classpath, `-Xmx128m`) subscribes to that channel with "
						+ "plain Lettuce and notes `System.nanoTime()` when Lettuce hands it each message, before "
						+ "anything else. One thread of the suite's JVM then calls `OrderCacheService.cacheOrder` "
						+ "for a new order of the period %d times a second, %d s of warm-up then %d s measured, "
						+ "noting `System.nanoTime()` just before each call (*sent*) and just after it returned "
						+ "(*acknowledged*). On Linux `System.nanoTime()` reads CLOCK_MONOTONIC, one clock for "
						+ "every process of the machine, so times taken in the two JVMs can be subtracted; the "
						+ "run checks it (no message may arrive before its write was sent). A message is matched "
						+ "to its write by the order number it names; a write whose message has not arrived %d s "
						+ "after the last write is lost. *After acknowledged* is how long another instance may "
						+ "still answer the old copy from memory once the writer's call has returned; below zero, "
						+ "the other JVM heard of the change before the writer's call returned (Redis sends the "
						+ "message from inside the script, before its reply). The two JVMs and Redis share the "
						+ "machine's cores.%n%n",
				BenchApplication.KEY_PREFIX, RATE, warmUpSeconds, measuredSeconds,
				DRAIN.toSeconds()));
		out.append("| from | to | p50 | p99 | p99.9 | max |\n|---|---|---:|---:|---:|---:|\n");
		delayRow(out, "acknowledged (the writer's `cacheOrder` returned)", "arrival in the other JVM",
				afterAcknowledged);
		delayRow(out, "sent (just before the writer called `cacheOrder`)", "arrival in the other JVM", afterSent);
		delayRow(out, "sent", "acknowledged (the write itself, for reference)", writeTimes);
		out.append('\n');
		out.append(String.format(Locale.ROOT, "- %,d writes measured in %.1f s (%,.0f a second), %,d messages of the "
				+ "period received in all, **%d lost**%n", measured, seconds, (measured - 1) / seconds, messages, lost));
		if (received > 0) {
			out.append(String.format(Locale.ROOT, "- %.1f %% of the measured messages arrived before the writer's "
					+ "call returned; the earliest arrival came %s after its write was sent%n",
					100.0 * beforeAcknowledged / received, Format.nanos(earliest)));
		}
		if (others > 0) {
			out.append(String.format(Locale.ROOT, "- %d other messages arrived (not `o` of this period)%n", others));
		}
		long p99 = Format.percentile(afterAcknowledged, 99);
		String measuredText = (received > 0) ? Format.nanos(p99) + " after acknowledged ("
				+ Format.nanos(Format.percentile(afterSent, 99)) + " after sent), " + lost + " lost"
				: "no message arrived";
		return new Section("8. Invalidation delivered to another JVM", out.toString(), List.of(
				new Section.Target("8. invalidation delivery to another JVM, p99", "≤ 2 ms", measuredText,
						received > 0 && lost == 0 && p99 <= TARGET_NANOS)));
	}

	private static void delayRow(StringBuilder out, String from, String to, long[] sorted) {
		out.append("| ").append(from).append(" | ").append(to).append(" | ")
			.append(Format.nanos(Format.percentile(sorted, 50))).append(" | ")
			.append(Format.nanos(Format.percentile(sorted, 99))).append(" | ")
			.append(Format.nanos(Format.percentile(sorted, 99.9))).append(" | ")
			.append((sorted.length > 0) ? Format.nanos(sorted[sorted.length - 1]) : "n/a").append(" |\n");
	}

	private static void log(String message) {
		System.out.println("[invalidation] " + message);
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
