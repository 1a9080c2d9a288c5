package io.fatamorgana.ordercache.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

import io.fatamorgana.ordercache.CacheStatistics;
import io.fatamorgana.ordercache.it.History.Kind;
import io.fatamorgana.ordercache.it.HistoryChecker.Result;
import io.fatamorgana.ordercache.it.HistoryChecker.StaleClass;
import io.fatamorgana.ordercache.it.HistoryChecker.Staleness;
import io.fatamorgana.ordercache.it.HistoryChecker.Violation;
import io.fatamorgana.ordercache.it.TransactionShapesRandomizedTests.Node;
import io.fatamorgana.ordercache.it.TransactionShapesRandomizedTests.Shape;
import io.fatamorgana.ordercache.it.TransactionShapesRandomizedTests.Workload;
import io.fatamorgana.ordercache.near.NearCache;
import io.fatamorgana.ordercache.near.NearCacheStatistics;
import io.fatamorgana.ordercache.test.RedisProcess;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The randomized transaction shapes of {@link TransactionShapesRandomizedTests} with the near cache
 * on in both application contexts (two instances: two Lettuce clients, two near caches, one
 * database), against a private Redis that keeps its data in an append-only file, while a fault
 * thread kills the near cache's subscriptions ({@code CLIENT KILL TYPE pubsub}) again and again and,
 * once, kills Redis and restarts it (issue 16). Between the shapes' operations, reads of one order of
 * a small period the shapes change often ({@link #HOT_READ_PERCENT}%), so that the near caches
 * answer and meet the other instance's changes, and probes ({@link #PROBE_PERCENT}%): a change of one
 * of those orders, then at once a read of it through the instance that made it and through the other.
 * After the faults, a steady tail with one writer: only the first instance changes orders, both read
 * them, so that the second hears of every change through the channel alone.
 * <p>
 * The {@link HistoryChecker} runs with a cross-instance bound of {@link #BOUND} (the heartbeat
 * timeout plus a margin): a read that returns a version older than one acknowledged before it began
 * is accepted only if no read or change of its own instance had met a newer version, and only within
 * the bound; the largest such staleness is printed and asserted within it. One that began in steady
 * state (no fault, every near cache trusted, every circuit closed, nothing pending, from the newer
 * version's acknowledgement to the read) must also be within the measured delivery delay: the largest
 * round trip of an instance's own heartbeat through the channel in steady state (one sent while Redis
 * was away comes back late from Lettuce's queue), plus one heartbeat interval (a stall
 * of the channel longer than that delays a heartbeat too), plus 100 ms. A stale read of a change
 * its own instance made or saw is a failure, as is everything the checker rejects without a near
 * cache. At quiescence Redis equals the database, and every order read through every instance and
 * both data access variants equals its row within the bound.
 * <p>
 * H2 always; PostgreSQL and MariaDB when they answer. {@code -Dordercache.near.operations=N} per
 * database (at least; the faults add what they wait for), {@code -Dordercache.seed=S} to replay a
 * seed's operations (the faults' timing is not replayed).
 */
class NearCacheRandomizedTests {

	static final int OPERATIONS = Integer.getInteger("ordercache.near.operations", 3_000);

	static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(200);

	static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * How stale a read of another instance's change may be: the heartbeat timeout (a subscription
	 * that is dead without a word is trusted that long) plus a margin for a busy 2-core machine.
	 */
	static final Duration BOUND = HEARTBEAT_TIMEOUT.plusSeconds(1);

	/**
	 * Share (percent) of the operations that are a read of one order of {@link #HOT_PERIOD} through
	 * the cache (the rest follow the shapes' weights): reads of orders the shapes change often, on
	 * both instances, so that the near cache answers and other instances' changes meet its entries.
	 */
	static final int HOT_READ_PERCENT = 25;

	/**
	 * Share (percent) of the operations that are a probe: a change of one order of
	 * {@link #HOT_PERIOD} through one instance ({@code @Transactional}), then at once a read of it
	 * through the same instance (read-your-writes) and one through the other (the channel's delay).
	 */
	static final int PROBE_PERCENT = 15;

	static final String HOT_PERIOD = "P3";

	/** How often the instances' state is sampled for {@link Disturbances}. */
	static final Duration SAMPLING = Duration.ofMillis(20);

	/** Subscriptions killed before Redis is killed, and after it is back. */
	static final int KILLS = 3;

	/** Operations between two faults. */
	static final int OPERATIONS_BETWEEN_FAULTS = 100;

	/**
	 * Operations without a fault after the last one (a fault flushes the near caches), with one
	 * writer: probes through the first instance and reads of {@link #HOT_PERIOD} through both, so that
	 * the other instance hears of every change through the channel only, and a change whose message
	 * was lost outlives the measured delivery delay and is found.
	 */
	static final int STEADY_TAIL_OPERATIONS = 800;

	private static RedisProcess redis;

	private static RedisClient admin;

	@BeforeAll
	static void startRedis() {
		redis = RedisProcess.startPersistent();
		admin = RedisClient.create(redis.url());
	}

	@AfterAll
	static void stopRedis() {
		if (admin != null) {
			admin.shutdown();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void h2() {
		run(TestDatabase.H2);
	}

	@Test
	void postgresql() {
		assumeTrue(TestDatabase.POSTGRESQL.answers(),
				() -> "PostgreSQL at " + TestDatabase.POSTGRESQL.where() + " does not answer: skipped");
		run(TestDatabase.POSTGRESQL);
	}

	@Test
	void mariadb() {
		assumeTrue(TestDatabase.MARIADB.answers(),
				() -> "MariaDB at " + TestDatabase.MARIADB.where() + " does not answer: skipped");
		run(TestDatabase.MARIADB);
	}

	private void run(TestDatabase database) {
		long seed = Long.getLong("ordercache.seed", System.nanoTime());
		String name = "NearCacheRandomizedTests[" + database + "]";
		System.out.println(name + " seed: " + seed + " (rerun with -Dordercache.seed=" + seed + ")");
		if (!redis.isRunning()) {
			redis.restart();
		}
		String schema = database.newSchema();
		String prefix = "oc_near_" + Integer.toHexString(new Random().nextInt(0x10000, 0xfffff)) + "_";
		List<Instance> instances = new ArrayList<>();
		long began = System.nanoTime();
		try {
			database.createSchema(schema, TransactionShapesRandomizedTests.PERIODS);
			for (int i = 0; i < 2; i++) {
				instances.add(new Instance(TransactionShapesRandomizedTests.start(database, schema, prefix, i,
						properties())));
			}
			await("both near caches trusted").atMost(Duration.ofSeconds(30))
				.until(() -> instances.stream().allMatch((instance) -> instance.near.trusted()));
			History history = new History();
			Workload workload = new Workload(history, instances.stream().map((instance) -> instance.node).toList(),
					Set.copyOf(Arrays.asList(Shape.values())));
			Faults faults = new Faults(instances, history);
			Disturbances disturbances = new Disturbances(instances, faults);
			long started = System.nanoTime();
			int operations;
			long stopped;
			int converged;
			Result quiescent;
			Result reloaded;
			HistoryChecker checker = new HistoryChecker(history, seed, BOUND);
			try {
				operations = runWithFaults(workload, faults, seed);
				stopped = System.nanoTime();
				awaitQuiescence(instances);
				quiescent = checker.checkQuiescence(hashes(prefix), pttls(prefix), database.rows(schema));
				workload.reloadEverything();
				reloaded = checker.checkQuiescence(hashes(prefix), pttls(prefix), database.rows(schema));
				converged = everyOrderThroughEveryInstanceIsItsRow(instances, database, schema, stopped);
			}
			finally {
				disturbances.close();
			}
			long elapsed = stopped - started;
			Result checked = checker.check(database.changeLog(schema));
			// A heartbeat sent while Redis was away waits in Lettuce's queue and comes back late: only round
			// trips that no disturbance overlapped measure the channel's delay.
			long measuredDelay = instances.stream()
				.flatMap((instance) -> instance.heartbeats.stream())
				.filter((heartbeat) -> !disturbances.during(heartbeat[0], heartbeat[1]))
				.mapToLong((heartbeat) -> heartbeat[1] - heartbeat[0])
				.max()
				.orElseThrow();
			Duration steadyBound = Duration.ofNanos(measuredDelay).plus(HEARTBEAT_INTERVAL).plusMillis(100);
			List<Staleness> steady = checked.boundedStaleReads().stream()
				.filter((staleness) -> !disturbances.during(staleness.firstAcknowledged().completed(),
						staleness.read().invoked()))
				.toList();
			long steadyMax = steady.stream().mapToLong(Staleness::nanos).max().orElse(0);

			System.out.println(name + ": " + operations + " operations in " + TimeUnit.NANOSECONDS.toMillis(elapsed)
					+ " ms on " + TransactionShapesRandomizedTests.THREADS + " threads, 2 instances with the near cache;"
					+ " about " + HOT_READ_PERCENT + "% reads of " + HOT_PERIOD + ", " + PROBE_PERCENT + "% probes (a change"
					+ " of " + HOT_PERIOD + " and a read through either instance), the others by shape " + workload.counts);
			System.out.println(name + ": faults: " + faults.describe());
			for (Instance instance : instances) {
				System.out.println(name + ": instance ctx" + instance.node.index + ": " + instance.describe());
			}
			System.out.println(checked.report(name + " history", 12));
			System.out.println(name + ": cross-instance stale reads accepted within " + BOUND.toMillis() + " ms: "
					+ checked.boundedStaleReads().size() + ", max staleness "
					+ millis(checked.maxStalenessNanos(StaleClass.CROSS_INSTANCE)) + "; by when they began: "
					+ faults.byLastFault(checked.boundedStaleReads()) + "; in steady state (no fault, every near cache"
					+ " trusted, every circuit closed, nothing pending from the newer version's acknowledgement to the"
					+ " read): " + steady.size() + ", max " + millis(steadyMax) + ", within the measured delivery delay"
					+ " (largest heartbeat round trip in steady state " + millis(measuredDelay) + ") + " + HEARTBEAT_INTERVAL.toMillis()
					+ " ms + 100 ms = " + steadyBound.toMillis() + " ms; disturbed time " + disturbances.describe());
			System.out.println(quiescent.report(name + " at quiescence", 6));
			System.out.println(reloaded.report(name + " at quiescence after reading everything again", 6));
			System.out.println(name + ": " + converged + " reads through every instance and variant equal their rows;"
					+ " whole run " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms");

			assertThat(checked.testBugs()).as("bugs of the test itself (seed %d):%n%s", seed,
					checked.report(name, 12)).isEmpty();
			List<Violation> violations = new ArrayList<>(checked.violations());
			violations.addAll(quiescent.violations());
			violations.addAll(reloaded.violations());
			assertThat(violations.stream().map(Violation::rule).toList()).as("%s%n%s%n%s",
					checked.report(name + " history", 12), quiescent.report(name + " at quiescence", 6),
					reloaded.report(name + " at quiescence after reading everything again", 6)).isEmpty();
			assertThat(checked.staleReads()).as("same-instance stale reads").doesNotContainKeys(
					StaleClass.SAME_INSTANCE_MADE, StaleClass.SAME_INSTANCE_SAW);
			assertThat(Duration.ofNanos(checked.maxStalenessNanos(StaleClass.CROSS_INSTANCE)))
				.as("the largest staleness of a cross-instance read").isLessThanOrEqualTo(BOUND);
			assertThat(Duration.ofNanos(steadyMax))
				.as("the largest staleness of a cross-instance read in steady state, against the measured delivery"
						+ " delay (%s)", steady.stream().filter((staleness) -> staleness.nanos() == steadyMax)
							.map((staleness) -> staleness.describe(history)).toList())
				.isLessThanOrEqualTo(steadyBound);
			assertThat(faults.pubsubKills.get()).as("subscriptions killed").isEqualTo(2 * KILLS);
			assertThat(faults.redisRestarts.get()).as("Redis killed and restarted").isEqualTo(1);
			for (Instance instance : instances) {
				NearCacheStatistics statistics = instance.near.statistics();
				assertThat(statistics.hits()).as("near hits of ctx%d", instance.node.index).isPositive();
				assertThat(statistics.connectionFlushes()).as("flushes of ctx%d for a lost subscription",
						instance.node.index).isPositive();
			}
		}
		finally {
			instances.forEach((instance) -> instance.context.close());
			database.dropSchema(schema);
			if (!redis.isRunning()) {
				redis.restart();
			}
		}
	}

	private static Map<String, Object> properties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.url", redis.url());
		properties.put("ordercache.near-cache.enabled", "true");
		properties.put("ordercache.near-cache.heartbeat-interval", HEARTBEAT_INTERVAL.toMillis() + "ms");
		properties.put("ordercache.near-cache.heartbeat-timeout", HEARTBEAT_TIMEOUT.toMillis() + "ms");
		// Redis comes back during the run: probe it and read the fleet's pending evictions often, so that
		// the instances find it within a fraction of the bound (the defaults are 1 s each).
		properties.put("ordercache.resilience.open-duration", "300ms");
		properties.put("ordercache.resilience.maintenance-interval", "100ms");
		properties.put("ordercache.pending-evictions.jdbc.poll-interval", "200ms");
		return properties;
	}

	/**
	 * Runs the workload on {@link TransactionShapesRandomizedTests#THREADS} threads while the faults
	 * run on another, until both the faults are done and {@link #OPERATIONS} were made.
	 * @return the operations made
	 */
	private static int runWithFaults(Workload workload, Faults faults, long seed) {
		Random seeds = new Random(seed);
		AtomicInteger done = faults.done;
		AtomicBoolean stop = new AtomicBoolean();
		ExecutorService pool = Executors.newFixedThreadPool(TransactionShapesRandomizedTests.THREADS + 1);
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int t = 0; t < TransactionShapesRandomizedTests.THREADS; t++) {
				Random random = new Random(seeds.nextLong());
				workers.add(pool.submit(() -> {
					while (!stop.get()) {
						int dice = random.nextInt(100);
						if (faults.tail) {
							if (dice < 50) {
								hotRead(workload, random);
							}
							else {
								probe(workload, random, 0);
							}
						}
						else if (dice < HOT_READ_PERCENT) {
							hotRead(workload, random);
						}
						else if (dice < HOT_READ_PERCENT + PROBE_PERCENT) {
							probe(workload, random, random.nextInt(workload.nodes.size()));
						}
						else {
							workload.step(random);
						}
						done.incrementAndGet();
					}
					return null;
				}));
			}
			Future<?> faulting = pool.submit(() -> {
				faults.run();
				return null;
			});
			faulting.get(5, TimeUnit.MINUTES);
			await(OPERATIONS + " operations").atMost(Duration.ofMinutes(5)).until(() -> done.get() >= OPERATIONS);
			stop.set(true);
			for (Future<?> worker : workers) {
				worker.get(2, TimeUnit.MINUTES);
			}
			return done.get();
		}
		catch (Exception ex) {
			throw new IllegalStateException("a worker or the faults failed", ex);
		}
		finally {
			stop.set(true);
			pool.shutdownNow();
		}
	}

	private static void hotRead(Workload workload, Random random) {
		Node node = workload.nodes.get(random.nextInt(workload.nodes.size()));
		ShapedOrders orders = random.nextBoolean() ? node.jdbc : node.jpa;
		List<String> orderNos = TransactionShapesRandomizedTests.PERIODS.get(HOT_PERIOD);
		Shape shape = random.nextBoolean() ? Shape.READ_TX_RO : Shape.READ_NO_TX;
		workload.read(node, orders, shape, HOT_PERIOD, orderNos.get(random.nextInt(orderNos.size())), random);
	}

	private static void probe(Workload workload, Random random, int writer) {
		Node node = workload.nodes.get(writer);
		Node other = workload.nodes.get((writer + 1) % workload.nodes.size());
		boolean jdbc = random.nextBoolean();
		List<String> orderNos = TransactionShapesRandomizedTests.PERIODS.get(HOT_PERIOD);
		String orderNo = orderNos.get(random.nextInt(orderNos.size()));
		int dice = random.nextInt(100);
		Kind kind = (dice < 35) ? Kind.CREATE : (dice < 80) ? Kind.UPDATE : Kind.DELETE;
		String status = TransactionShapesRandomizedTests.STATUSES
			.get(random.nextInt(TransactionShapesRandomizedTests.STATUSES.size()));
		workload.change(node, jdbc ? node.jdbc : node.jpa, Shape.TX, kind, HOT_PERIOD, orderNo, status, random);
		workload.read(node, jdbc ? node.jdbc : node.jpa, Shape.READ_NO_TX, HOT_PERIOD, orderNo, random);
		workload.read(other, jdbc ? other.jdbc : other.jpa, Shape.READ_NO_TX, HOT_PERIOD, orderNo, random);
	}

	/** Nothing pending anywhere, every circuit closed, both near caches trusted. */
	private static void awaitQuiescence(List<Instance> instances) {
		await("quiescence: no pending eviction, circuits closed, near caches trusted").atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> {
				for (Instance instance : instances) {
					CacheStatistics statistics = instance.node.service.statistics();
					assertThat(statistics.pendingEvictions()).as("pending evictions of ctx%d", instance.node.index)
						.isZero();
					assertThat(statistics.circuitOpen()).as("circuit of ctx%d", instance.node.index).isFalse();
					assertThat(instance.near.trusted()).as("near cache of ctx%d trusted", instance.node.index).isTrue();
				}
			});
	}

	/**
	 * Every order of the run through every instance and both variants, twice (the second read is a
	 * near hit), equals the database's row (or is absent with it). A read that began less than the
	 * bound after the workload stopped may still differ, and the whole round is made again; one that
	 * began later may not.
	 * @return the reads of the round found equal
	 */
	private static int everyOrderThroughEveryInstanceIsItsRow(List<Instance> instances, TestDatabase database,
			String schema, long stopped) {
		Map<String, Order> rows = database.rows(schema).stream()
			.collect(Collectors.toMap((row) -> row.periodNumber() + "/" + row.orderNo(), (row) -> row));
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (true) {
			int reads = 0;
			List<String> wrong = new ArrayList<>();
			List<String> late = new ArrayList<>();
			for (Instance instance : instances) {
				for (ShapedOrders orders : List.of(instance.node.jdbc, instance.node.jpa)) {
					for (Map.Entry<String, List<String>> period : TransactionShapesRandomizedTests.PERIODS.entrySet()) {
						for (String orderNo : period.getValue()) {
							Optional<Order> expected = Optional.ofNullable(rows.get(period.getKey() + "/" + orderNo));
							for (int i = 0; i < 2; i++) {
								long began = System.nanoTime();
								Optional<Order> served = orders.find(period.getKey(), orderNo);
								reads++;
								if (!served.equals(expected)) {
									String what = "ctx" + instance.node.index + " " + orders.store().variant() + " "
											+ period.getKey() + "/" + orderNo + ": " + served + ", database " + expected;
									wrong.add(what);
									if (began - stopped >= BOUND.toNanos()) {
										late.add(what + " (read " + (began - stopped) / 1_000_000
												+ " ms after the workload stopped)");
									}
								}
							}
						}
					}
				}
			}
			assertThat(late).as("orders served otherwise than the database holds them %d ms or more after the"
					+ " workload stopped (within it: %s)", BOUND.toMillis(), wrong).isEmpty();
			if (wrong.isEmpty()) {
				return reads;
			}
			System.out.println("NearCacheRandomizedTests: within " + BOUND.toMillis()
					+ " ms of the workload's stop, served otherwise than the database holds them: " + wrong);
			assertThat(System.nanoTime()).as("time left to read everything again").isLessThan(deadline);
		}
	}

	private static Map<String, Map<String, String>> hashes(String prefix) {
		return perKey(prefix, RedisCommands::hgetall);
	}

	private static Map<String, Long> pttls(String prefix) {
		return perKey(prefix, RedisCommands::pttl);
	}

	private static <T> Map<String, T> perKey(String prefix,
			BiFunction<RedisCommands<String, String>, String, T> read) {
		try (StatefulRedisConnection<String, String> connection = admin.connect()) {
			RedisCommands<String, String> commands = connection.sync();
			Map<String, T> found = new TreeMap<>();
			ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(500);
			KeyScanCursor<String> cursor = commands.scan(ScanCursor.INITIAL, args);
			while (true) {
				for (String key : cursor.getKeys()) {
					found.put(key.substring(prefix.length()), read.apply(commands, key));
				}
				if (cursor.isFinished()) {
					return found;
				}
				cursor = commands.scan(cursor, args);
			}
		}
	}

	private static String millis(long nanos) {
		return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
	}

	/** One instance: its context, its node of the workload, its near cache and its channel's delay. */
	private static final class Instance {

		final ConfigurableApplicationContext context;

		final Node node;

		final NearCache near;

		final LongAccumulator maxLag = new LongAccumulator(Math::max, 0);

		/** Each own heartbeat heard back: when it was sent and when it came back. */
		final ConcurrentLinkedQueue<long[]> heartbeats = new ConcurrentLinkedQueue<>();

		Instance(ConfigurableApplicationContext context) {
			this.context = context;
			this.node = new Node(context);
			this.near = context.getBean(NearCache.class);
			// The channel's delivery delay, measured: how long this instance's heartbeat took to come
			// back to it through Redis (replaces the meter's observer, which no registry reads here).
			this.near.setLagObserver((nanos) -> {
				long now = System.nanoTime();
				this.maxLag.accumulate(nanos);
				this.heartbeats.add(new long[] { now - nanos, now });
			});
		}

		String describe() {
			return this.near.statistics() + "; heartbeats heard back " + this.heartbeats.size()
					+ ", their largest round trip " + millis(this.maxLag.get()) + " (faults included); cache "
					+ this.node.service.statistics();
		}

	}

	/**
	 * The faults, on a thread of their own, paced by the operations made: {@link #KILLS} times a
	 * subscription kill (then until both near caches trust their channel again); Redis killed (until
	 * both circuits are open and more operations ran without it) and restarted from its file (until
	 * both near caches trust their channel again); {@link #KILLS} more subscription kills; then
	 * {@link #STEADY_TAIL_OPERATIONS} operations without a fault, with one writer.
	 */
	private static final class Faults {

		final List<Instance> instances;

		final History history;

		final AtomicInteger done = new AtomicInteger();

		final AtomicInteger pubsubKills = new AtomicInteger();

		final AtomicInteger redisRestarts = new AtomicInteger();

		final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

		/** Whether the faults are over and the workload has one writer. */
		volatile boolean tail;

		Faults(List<Instance> instances, History history) {
			this.instances = instances;
			this.history = history;
		}

		void run() {
			for (int i = 0; i < KILLS; i++) {
				awaitOperations(OPERATIONS_BETWEEN_FAULTS);
				killSubscriptions();
			}
			awaitOperations(OPERATIONS_BETWEEN_FAULTS);
			long killed = System.nanoTime();
			redis.kill();
			await("both circuits open").atMost(Duration.ofSeconds(60)).until(() -> this.instances.stream()
				.allMatch((instance) -> instance.node.service.statistics().circuitOpen()));
			awaitOperations(OPERATIONS_BETWEEN_FAULTS);
			long down = System.nanoTime() - killed;
			redis.restart();
			long recovered = awaitTrusted("both near caches trusted after Redis restarted", Duration.ofSeconds(60));
			this.events.add(new Event("Redis killed and restarted (down " + down / 1_000_000 + " ms)", killed,
					recovered - killed));
			this.redisRestarts.incrementAndGet();
			for (int i = 0; i < KILLS; i++) {
				awaitOperations(OPERATIONS_BETWEEN_FAULTS);
				killSubscriptions();
			}
			this.tail = true;
			awaitOperations(STEADY_TAIL_OPERATIONS);
		}

		private void killSubscriptions() {
			try (StatefulRedisConnection<String, String> connection = admin.connect()) {
				RedisCommands<String, String> commands = connection.sync();
				List<Long> before = subscribers(commands);
				assertThat(before).as("the instances' subscriptions").hasSize(this.instances.size());
				long killed = System.nanoTime();
				long count = commands.clientKill(KillArgs.Builder.typePubsub());
				assertThat(count).as("subscriptions killed").isEqualTo(this.instances.size());
				// Lettuce makes each subscription again on a new connection (the instance flushes on the lost
				// and on the re-made one); the instance trusts its channel once a heartbeat came through it.
				long highest = before.stream().mapToLong(Long::longValue).max().orElseThrow();
				await("both subscriptions made again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
					.until(() -> subscribers(commands).stream().filter((id) -> id > highest).count() == this.instances
						.size());
				long recovered = awaitTrusted("both near caches trusted after CLIENT KILL TYPE pubsub",
						Duration.ofSeconds(30));
				this.events.add(new Event("CLIENT KILL TYPE pubsub (" + count + " killed)", killed, recovered - killed));
				this.pubsubKills.incrementAndGet();
			}
		}

		/** The ids of the clients subscribed to a channel. */
		private static List<Long> subscribers(RedisCommands<String, String> commands) {
			return commands.clientList()
				.lines()
				.filter((line) -> line.contains(" sub=1 "))
				.map((line) -> Long.parseLong(line.substring(3, line.indexOf(' '))))
				.toList();
		}

		private long awaitTrusted(String what, Duration atMost) {
			await(what).atMost(atMost).pollInterval(Duration.ofMillis(20))
				.until(() -> this.instances.stream().allMatch((instance) -> instance.near.trusted()
						&& instance.near.subscribed() && !instance.node.service.statistics().circuitOpen()));
			return System.nanoTime();
		}

		private void awaitOperations(int operations) {
			int target = this.done.get() + operations;
			await(operations + " more operations").atMost(Duration.ofMinutes(2)).until(() -> this.done.get() >= target);
		}

		String describe() {
			return this.events.stream()
				.map((event) -> event.what() + " at " + this.history.relative(event.at())
						+ ((event.recoveryNanos() > 0) ? ", trusted again after " + millis(event.recoveryNanos()) : ""))
				.toList()
				.toString();
		}

		/**
		 * The accepted stale reads by when they began: while the instances recovered from a fault (from
		 * the fault until both trusted their channel again), or in steady state; with the largest
		 * staleness of each group.
		 */
		String byLastFault(List<Staleness> stale) {
			Map<String, long[]> groups = new TreeMap<>();
			for (Staleness staleness : stale) {
				long invoked = staleness.read().invoked();
				Event last = null;
				for (Event event : this.events) {
					if (event.at() <= invoked && (last == null || event.at() > last.at())) {
						last = event;
					}
				}
				String group = (last != null && invoked <= last.at() + last.recoveryNanos())
						? "while recovering from " + last.what().replaceAll(" \\(.*", "") : "steady state";
				long[] figures = groups.computeIfAbsent(group, (g) -> new long[2]);
				figures[0]++;
				figures[1] = Math.max(figures[1], staleness.nanos());
			}
			return groups.entrySet().stream()
				.map((group) -> group.getKey() + ": " + group.getValue()[0] + " (max " + millis(group.getValue()[1]) + ")")
				.collect(Collectors.joining("; ", "{", "}"));
		}

	}

	/**
	 * When the instances were not in steady state: a fault under way (from it until both instances
	 * trusted their channel again), or, sampled every {@link #SAMPLING}, a near cache not trusted, a
	 * circuit open or an eviction pending on either instance (from the sample before the first that
	 * saw it to the first that did not).
	 */
	private static final class Disturbances implements AutoCloseable {

		private final List<Instance> instances;

		private final Faults faults;

		private final List<long[]> intervals = new ArrayList<>();

		private volatile long since = -1;

		private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

		Disturbances(List<Instance> instances, Faults faults) {
			this.instances = instances;
			this.faults = faults;
			this.sampler.scheduleAtFixedRate(this::sample, 0, SAMPLING.toMillis(), TimeUnit.MILLISECONDS);
		}

		private void sample() {
			long now = System.nanoTime();
			boolean calm;
			try {
				calm = this.instances.stream().allMatch((instance) -> {
					CacheStatistics statistics = instance.node.service.statistics();
					return instance.near.trusted() && !statistics.circuitOpen() && statistics.pendingEvictions() == 0;
				});
			}
			catch (RuntimeException ex) {
				calm = false;
			}
			if (!calm && this.since < 0) {
				this.since = now - SAMPLING.toNanos();
			}
			else if (calm && this.since >= 0) {
				synchronized (this.intervals) {
					this.intervals.add(new long[] { this.since, now });
				}
				this.since = -1;
			}
		}

		/** Whether anything disturbed the instances between two times ({@link System#nanoTime()}). */
		boolean during(long from, long to) {
			for (Event event : this.faults.events) {
				if (event.at() <= to && event.at() + event.recoveryNanos() >= from) {
					return true;
				}
			}
			synchronized (this.intervals) {
				for (long[] interval : this.intervals) {
					if (interval[0] <= to && interval[1] >= from) {
						return true;
					}
				}
			}
			long current = this.since;
			return current >= 0 && current <= to;
		}

		String describe() {
			synchronized (this.intervals) {
				long total = this.intervals.stream().mapToLong((interval) -> interval[1] - interval[0]).sum();
				return this.intervals.size() + " sampled intervals, " + total / 1_000_000 + " ms in all";
			}
		}

		@Override
		public void close() {
			this.sampler.shutdownNow();
			try {
				this.sampler.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			long current = this.since;
			if (current >= 0) {
				synchronized (this.intervals) {
					this.intervals.add(new long[] { current, Long.MAX_VALUE });
				}
			}
		}

	}

	/**
	 * A fault: what, when it was made, how long until both instances trusted their channel again (for
	 * Redis: from its kill).
	 */
	private record Event(String what, long at, long recoveryNanos) {
	}

}
