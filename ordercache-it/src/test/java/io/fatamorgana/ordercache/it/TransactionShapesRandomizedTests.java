package io.fatamorgana.ordercache.it;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.it.History.Kind;
import io.fatamorgana.ordercache.it.History.Pending;
import io.fatamorgana.ordercache.it.HistoryChecker.Result;
import io.fatamorgana.ordercache.it.HistoryChecker.Violation;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Randomized operations over every transaction shape the annotations meet, from {@value #THREADS}
 * threads, spread over two application contexts that share one Redis key prefix and one database,
 * each with a JDBC and a JPA variant of the same annotated service ({@link ShapedOrders}). Every
 * operation is recorded in a {@link History}; the {@link HistoryChecker} then checks every read
 * against the changes acknowledged before it, and the cache against the database at quiescence,
 * before and after everything is read once more through the annotations.
 * <p>
 * H2 always; PostgreSQL and MariaDB (reads joined to an outer {@code REPEATABLE READ} transaction)
 * when they answer, skipped otherwise. {@code -Dordercache.operations=N} per database,
 * {@code -Dordercache.seed=S} to replay a seed, {@code -Dordercache.shapes=TX,READ_TX_RO,...} to
 * run only some shapes (the plain ones are added when no change or no read shape is left).
 */
class TransactionShapesRandomizedTests {

	static final int THREADS = 6;

	static final int OPERATIONS = Integer.getInteger("ordercache.operations", 12_000);

	static final Map<String, List<String>> PERIODS = periods(Map.of("P1", 24, "P2", 10, "P3", 6));

	static final List<String> STATUSES = List.of("pending", "paid", "cancelled", "expired");

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
		String name = "TransactionShapesRandomizedTests[" + database + "]";
		System.out.println(name + " seed: " + seed + " (rerun with -Dordercache.seed=" + seed + ")");
		String schema = database.newSchema();
		String prefix = TestRedis.uniquePrefix(TransactionShapesRandomizedTests.class);
		List<ConfigurableApplicationContext> contexts = new ArrayList<>();
		try {
			database.createSchema(schema, PERIODS);
			for (int i = 0; i < 2; i++) {
				contexts.add(start(database, schema, prefix, i));
			}
			List<Node> nodes = contexts.stream().map(Node::new).toList();
			History history = new History();
			Workload workload = new Workload(history, nodes, shapes());
			long started = System.nanoTime();
			workload.run(seed);
			long elapsed = System.nanoTime() - started;
			HistoryChecker checker = new HistoryChecker(history, seed);
			Result quiescent = checker.checkQuiescence(hashes(prefix), pttls(prefix), database.rows(schema));
			workload.reloadEverything();
			Result reloaded = checker.checkQuiescence(hashes(prefix), pttls(prefix), database.rows(schema));
			Result checked = checker.check(database.changeLog(schema));
			System.out.println(name + ": " + OPERATIONS + " operations in " + TimeUnit.NANOSECONDS.toMillis(elapsed)
					+ " ms on " + THREADS + " threads, 2 contexts; shapes " + workload.counts);
			for (Node node : nodes) {
				System.out.println(name + ": statistics of a context: " + node.service.statistics());
			}
			System.out.println(checked.report(name + " history", 12));
			System.out.println(quiescent.report(name + " at quiescence", 6));
			System.out.println(reloaded.report(name + " at quiescence after reading everything again", 6));
			assertThat(checked.testBugs()).as("bugs of the test itself (seed %d):%n%s", seed,
					checked.report(name, 12)).isEmpty();
			List<Violation> violations = new ArrayList<>(checked.violations());
			violations.addAll(quiescent.violations());
			violations.addAll(reloaded.violations());
			assertThat(violations.stream().map(Violation::rule).toList()).as("%s%n%s%n%s", checked.report(name + " history", 12),
					quiescent.report(name + " at quiescence", 6),
					reloaded.report(name + " at quiescence after reading everything again", 6)).isEmpty();
		}
		finally {
			contexts.forEach(ConfigurableApplicationContext::close);
			database.dropSchema(schema);
			TestRedis.deleteKeys(prefix);
		}
	}

	private static ConfigurableApplicationContext start(TestDatabase database, String schema, String prefix,
			int index) {
		return start(database, schema, prefix, index, Map.of());
	}

	/**
	 * Starts one context of a run.
	 * @param database the database
	 * @param schema its schema for the run
	 * @param prefix the run's key prefix
	 * @param index the context's index
	 * @param overrides properties that replace or add to this suite's
	 * @return the running context
	 */
	static ConfigurableApplicationContext start(TestDatabase database, String schema, String prefix, int index,
			Map<String, Object> overrides) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.application.name", "ordercache-it-" + index);
		properties.put("spring.datasource.url", database.jdbcUrl(schema));
		properties.put("spring.datasource.username", database.username());
		properties.put("spring.datasource.password", "");
		properties.put("spring.datasource.hikari.maximum-pool-size", 2 * THREADS + 4);
		properties.put("spring.sql.init.mode", "never");
		properties.put("spring.jpa.hibernate.ddl-auto", "none");
		properties.put("spring.jpa.open-in-view", "false");
		properties.put("spring.jmx.enabled", "false");
		properties.put("spring.data.redis.url", TestRedis.url());
		properties.put("ordercache.key-prefix", prefix);
		// Pending evictions in the run's database, as a fleet keeps them; its schema has no table yet.
		properties.put("ordercache.pending-evictions.jdbc.initialize-schema", "always");
		properties.put("ordercache.batch-chunk-size", 8);
		// Redis is healthy here: no fail-open timeouts on a busy 2-core machine, this suite is about transactions.
		properties.put("ordercache.resilience.command-timeout", "2s");
		properties.put("ordercache.resilience.bulk-timeout", "5s");
		properties.put("logging.level.org.hibernate", "warn");
		properties.put("logging.level.com.zaxxer", "warn");
		properties.putAll(overrides);
		return new SpringApplicationBuilder(ShapesApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF).properties(properties).logStartupInfo(false).run();
	}

	private static Set<Shape> shapes() {
		String only = System.getProperty("ordercache.shapes", "");
		if (only.isBlank()) {
			return Set.copyOf(Arrays.asList(Shape.values()));
		}
		Set<Shape> shapes = Arrays.stream(only.split(",")).map(String::trim).map(Shape::valueOf)
			.collect(Collectors.toCollection(() -> java.util.EnumSet.noneOf(Shape.class)));
		if (shapes.stream().noneMatch(Shape::isChange)) {
			shapes.add(Shape.TX);
		}
		if (shapes.stream().noneMatch((shape) -> shape.kind == Kind.READ)) {
			shapes.add(Shape.READ_TX_RO);
		}
		if (shapes.stream().noneMatch((shape) -> shape.kind == Kind.READ_PERIOD)) {
			shapes.add(Shape.READ_PERIOD_TX_RO);
		}
		return shapes;
	}

	private static Map<String, Map<String, String>> hashes(String prefix) {
		RedisCommands<String, String> redis = TestRedis.commands();
		Map<String, Map<String, String>> hashes = new TreeMap<>();
		for (String key : TestRedis.keys(prefix)) {
			hashes.put(key.substring(prefix.length()), redis.hgetall(key));
		}
		return hashes;
	}

	private static Map<String, Long> pttls(String prefix) {
		RedisCommands<String, String> redis = TestRedis.commands();
		Map<String, Long> pttls = new TreeMap<>();
		for (String key : TestRedis.keys(prefix)) {
			pttls.put(key.substring(prefix.length()), redis.pttl(key));
		}
		return pttls;
	}

	private static Map<String, List<String>> periods(Map<String, Integer> sizes) {
		Map<String, List<String>> periods = new TreeMap<>();
		sizes.forEach((period, size) -> periods.put(period,
				IntStream.range(0, size).mapToObj((i) -> "O" + i).toList()));
		return periods;
	}

	/**
	 * The transaction shapes, each with its weight among the operations.
	 */
	enum Shape {

		/** {@code @Transactional} create/update/delete. */
		TX(Kind.CREATE, 6),

		/** {@code REQUIRES_NEW} called from an outer transaction that commits. */
		REQUIRES_NEW_OUTER_COMMIT(Kind.CREATE, 3),

		/** {@code REQUIRES_NEW} called from an outer transaction that rolls back. */
		REQUIRES_NEW_OUTER_ROLLBACK(Kind.CREATE, 3),

		/** {@code NOT_SUPPORTED} called from an outer transaction that commits. */
		NOT_SUPPORTED_OUTER_COMMIT(Kind.CREATE, 2),

		/** {@code NOT_SUPPORTED} called from an outer transaction that rolls back. */
		NOT_SUPPORTED_OUTER_ROLLBACK(Kind.CREATE, 2),

		/** No {@code @Transactional} on the annotated method (its data access opens a transaction). */
		NO_TX(Kind.CREATE, 2),

		/** Commits, then throws a checked exception. */
		COMMIT_THEN_THROW(Kind.CREATE, 3),

		/** Throws a runtime exception named in {@code noRollbackFor}: commits. */
		NO_ROLLBACK_FOR(Kind.CREATE, 3),

		/** Throws a runtime exception after the change: rolls back. */
		ROLLBACK(Kind.CREATE, 3),

		/** A {@code @TransactionalEventListener} (after commit) calls a {@code REQUIRES_NEW} method. */
		LISTENER_REQUIRES_NEW(Kind.CREATE, 3),

		/** A {@code @TransactionalEventListener} (after commit) calls a method without a transaction. */
		LISTENER_NO_TX(Kind.CREATE, 2),

		/** A {@code TransactionSynchronization.afterCommit} calls a {@code REQUIRES_NEW} method. */
		AFTER_COMMIT_REQUIRES_NEW(Kind.CREATE, 3),

		/** A {@code TransactionSynchronization.afterCommit} calls a method without a transaction. */
		AFTER_COMMIT_NO_TX(Kind.CREATE, 2),

		/** {@code @CachedOrder} with {@code @Transactional(readOnly = true)}. */
		READ_TX_RO(Kind.READ, 14),

		/** {@code @CachedOrder} without a transaction. */
		READ_NO_TX(Kind.READ, 6),

		/**
		 * {@code @CachedOrder} joined to an outer {@code REPEATABLE READ} transaction that read the
		 * order first.
		 */
		READ_JOINED_RR(Kind.READ, 8),

		/** {@code @CachedPeriod} with {@code @Transactional(readOnly = true)}. */
		READ_PERIOD_TX_RO(Kind.READ_PERIOD, 5),

		/** {@code @CachedPeriod} joined to an outer {@code REPEATABLE READ} transaction that read it first. */
		READ_PERIOD_JOINED_RR(Kind.READ_PERIOD, 3),

		/** {@code @EvictOrder(allInPeriod = true)}. */
		DROP(Kind.DROP, 1);

		final Kind kind;

		final int weight;

		Shape(Kind kind, int weight) {
			this.kind = kind;
			this.weight = weight;
		}

		boolean isChange() {
			return this.kind.isChange();
		}

	}

	/**
	 * One application context: its annotated services and transaction templates.
	 */
	static final class Node {

		final int index;

		final ShapedOrders jdbc;

		final ShapedOrders jpa;

		final OrderCacheService service;

		final TransactionTemplate outer;

		final TransactionTemplate repeatableRead;

		final TransactionTemplate repeatableReadOnly;

		private static final AtomicInteger indexes = new AtomicInteger();

		Node(ConfigurableApplicationContext context) {
			this.index = indexes.getAndIncrement() % 2;
			this.jdbc = context.getBean("jdbcOrders", ShapedOrders.class);
			this.jpa = context.getBean("jpaOrders", ShapedOrders.class);
			this.service = context.getBean(OrderCacheService.class);
			PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
			this.outer = new TransactionTemplate(transactionManager);
			this.repeatableRead = new TransactionTemplate(transactionManager);
			this.repeatableRead.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
			this.repeatableReadOnly = new TransactionTemplate(transactionManager);
			this.repeatableReadOnly.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
			this.repeatableReadOnly.setReadOnly(true);
		}

	}

	/**
	 * The operations of one run, and how they are recorded.
	 */
	static final class Workload {

		final History history;

		final List<Node> nodes;

		final List<Shape> weighted = new ArrayList<>();

		final Map<Shape, AtomicInteger> counts = new EnumMap<>(Shape.class);

		Workload(History history, List<Node> nodes, Set<Shape> shapes) {
			this.history = history;
			this.nodes = nodes;
			for (Shape shape : Shape.values()) {
				if (shapes.contains(shape)) {
					for (int i = 0; i < shape.weight; i++) {
						this.weighted.add(shape);
					}
					this.counts.put(shape, new AtomicInteger());
				}
			}
		}

		void run(long seed) {
			Random seeds = new Random(seed);
			AtomicInteger done = new AtomicInteger();
			ExecutorService pool = Executors.newFixedThreadPool(THREADS);
			try {
				List<Future<?>> workers = new ArrayList<>();
				for (int t = 0; t < THREADS; t++) {
					Random random = new Random(seeds.nextLong());
					workers.add(pool.submit(() -> {
						while (done.getAndIncrement() < OPERATIONS) {
							step(random);
						}
						return null;
					}));
				}
				for (Future<?> worker : workers) {
					worker.get(10, TimeUnit.MINUTES);
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException("a worker failed", ex);
			}
			finally {
				pool.shutdownNow();
			}
		}

		void step(Random random) {
			Node node = this.nodes.get(random.nextInt(this.nodes.size()));
			ShapedOrders orders = random.nextBoolean() ? node.jdbc : node.jpa;
			List<String> periods = new ArrayList<>(PERIODS.keySet());
			String period = periods.get(random.nextInt(periods.size()));
			List<String> orderNos = PERIODS.get(period);
			String orderNo = orderNos.get(random.nextInt(orderNos.size()));
			Shape shape = this.weighted.get(random.nextInt(this.weighted.size()));
			this.counts.get(shape).incrementAndGet();
			if (shape.isChange()) {
				int dice = random.nextInt(100);
				Kind kind = (dice < 35) ? Kind.CREATE : (dice < 80) ? Kind.UPDATE : Kind.DELETE;
				String status = STATUSES.get(random.nextInt(STATUSES.size()));
				change(node, orders, shape, kind, period, orderNo, status, random);
			}
			else if (shape.kind == Kind.DROP) {
				Pending pending = this.history.invoke(node.index, orders.store().variant(), shape.name(), Kind.DROP,
						period, null);
				try {
					orders.dropPeriod(period);
					pending.done();
				}
				catch (RuntimeException ex) {
					pending.failed(ex);
				}
			}
			else {
				read(node, orders, shape, period, orderNo, random);
			}
		}

		void change(Node node, ShapedOrders orders, Shape shape, Kind kind, String period, String orderNo,
				String status, Random random) {
			Pending pending = this.history.invoke(node.index, orders.store().variant(), shape.name(), kind, period,
					orderNo);
			long op = pending.id();
			boolean delete = kind == Kind.DELETE;
			try {
				OrderStore.Change change = switch (shape) {
					case TX -> delete ? deleted(orders.delete(period, orderNo, op))
							: written(orders.write(kind, period, orderNo, status, op));
					case NO_TX -> delete ? deleted(orders.deleteNoTransaction(period, orderNo, op))
							: written(orders.writeNoTransaction(kind, period, orderNo, status, op));
					case REQUIRES_NEW_OUTER_COMMIT, REQUIRES_NEW_OUTER_ROLLBACK -> inOuter(node, orders, op,
							shape == Shape.REQUIRES_NEW_OUTER_ROLLBACK,
							() -> delete ? deleted(orders.deleteRequiresNew(period, orderNo, op))
									: written(orders.writeRequiresNew(kind, period, orderNo, status, op)));
					case NOT_SUPPORTED_OUTER_COMMIT, NOT_SUPPORTED_OUTER_ROLLBACK -> inOuter(node, orders, op,
							shape == Shape.NOT_SUPPORTED_OUTER_ROLLBACK,
							() -> delete ? deleted(orders.deleteNotSupported(period, orderNo, op))
									: written(orders.writeNotSupported(kind, period, orderNo, status, op)));
					case COMMIT_THEN_THROW -> {
						if (delete) {
							orders.deleteThenThrow(period, orderNo, op);
						}
						else {
							orders.writeThenThrow(kind, period, orderNo, status, op);
						}
						throw new IllegalStateException("did not throw");
					}
					case NO_ROLLBACK_FOR -> delete ? deleted(orders.deleteNoRollbackFor(period, orderNo, op))
							: written(orders.writeNoRollbackFor(kind, period, orderNo, status, op));
					case ROLLBACK -> delete ? deleted(orders.deleteThenRollBack(period, orderNo, op))
							: written(orders.writeThenRollBack(kind, period, orderNo, status, op));
					case LISTENER_REQUIRES_NEW, LISTENER_NO_TX, AFTER_COMMIT_REQUIRES_NEW, AFTER_COMMIT_NO_TX -> {
						ChangeRequest request = new ChangeRequest(orders,
								shape == Shape.LISTENER_REQUIRES_NEW || shape == Shape.AFTER_COMMIT_REQUIRES_NEW, kind,
								period, orderNo, status, op);
						RuntimeException outer = null;
						try {
							if (shape == Shape.LISTENER_REQUIRES_NEW || shape == Shape.LISTENER_NO_TX) {
								orders.publish(request);
							}
							else {
								orders.changeAfterCommit(request);
							}
						}
						catch (RuntimeException ex) {
							outer = ex;
						}
						OrderStore.Change made = request.change();
						if (made == null) {
							Throwable error = (request.error() != null) ? request.error() : outer;
							throw new UnknownOutcome((error != null) ? error
									: new IllegalStateException("the after-commit change did not run"));
						}
						yield made;
					}
					default -> throw new IllegalArgumentException(shape.toString());
				};
				record(pending, change, null);
			}
			catch (CommittedChangeException ex) {
				record(pending, ex.change(), ex);
			}
			catch (CommittedRuntimeChangeException ex) {
				record(pending, ex.change(), ex);
			}
			catch (RolledBackChangeException ex) {
				pending.notCommitted(ex);
			}
			catch (UnknownOutcome ex) {
				pending.unknown(ex.getCause());
			}
			catch (RuntimeException ex) {
				pending.unknown(ex);
			}
		}

		private OrderStore.Change inOuter(Node node, ShapedOrders orders, long op, boolean rollback,
				Supplier<OrderStore.Change> inner) {
			OrderStore.Change[] made = new OrderStore.Change[1];
			Throwable[] error = new Throwable[1];
			RuntimeException outerError = null;
			try {
				node.outer.executeWithoutResult((transaction) -> {
					orders.store().audit(op);
					try {
						made[0] = inner.get();
					}
					catch (RuntimeException ex) {
						error[0] = ex;
					}
					if (rollback) {
						transaction.setRollbackOnly();
					}
				});
			}
			catch (RuntimeException ex) {
				outerError = ex;
			}
			if (made[0] == null) {
				Throwable cause = (error[0] != null) ? error[0] : outerError;
				throw new UnknownOutcome((cause != null) ? cause : new IllegalStateException("no outcome"));
			}
			return made[0];
		}

		private static void record(Pending pending, OrderStore.Change change, @Nullable Throwable error) {
			if (change.revision() >= 0) {
				pending.committed(change.revision(), change.status(), error);
			}
			else {
				pending.notCommitted(error);
			}
		}

		private static OrderStore.Change written(Optional<Order> order) {
			return order.map((written) -> new OrderStore.Change(written.version(), written.status()))
				.orElse(OrderStore.Change.NONE);
		}

		private static OrderStore.Change deleted(long revision) {
			return (revision >= 0) ? new OrderStore.Change(revision, null) : OrderStore.Change.NONE;
		}

		void read(Node node, ShapedOrders orders, Shape shape, String period, String orderNo, Random random) {
			String variant = orders.store().variant();
			boolean wholePeriod = shape.kind == Kind.READ_PERIOD;
			Pending pending = this.history.invoke(node.index, variant, shape.name(), shape.kind, period,
					wholePeriod ? null : orderNo);
			boolean[] completed = new boolean[2];
			Pending direct = null;
			try {
				switch (shape) {
					case READ_TX_RO, READ_NO_TX -> {
						DatabaseReads.reset();
						Optional<Order> order = (shape == Shape.READ_TX_RO) ? orders.find(period, orderNo)
								: orders.findNoTransaction(period, orderNo);
						pending.returned(order, DatabaseReads.happened());
					}
					case READ_PERIOD_TX_RO -> {
						DatabaseReads.reset();
						List<Order> found = orders.findPeriod(period);
						pending.returnedPeriod(found, DatabaseReads.happened());
					}
					case READ_JOINED_RR, READ_PERIOD_JOINED_RR -> {
						Pending first = this.history.invoke(node.index, variant, shape.name(),
								wholePeriod ? Kind.DB_READ_PERIOD : Kind.DB_READ, period, wholePeriod ? null : orderNo);
						direct = first;
						TransactionTemplate template = random.nextBoolean() ? node.repeatableRead
								: node.repeatableReadOnly;
						template.executeWithoutResult((transaction) -> {
							if (wholePeriod) {
								first.returnedPeriod(orders.store().findPeriod(period), true);
								completed[1] = true;
								DatabaseReads.reset();
								List<Order> found = orders.findPeriod(period);
								pending.returnedPeriod(found, DatabaseReads.happened());
							}
							else {
								first.returned(orders.store().find(period, orderNo), true);
								completed[1] = true;
								DatabaseReads.reset();
								Optional<Order> order = orders.find(period, orderNo);
								pending.returned(order, DatabaseReads.happened());
							}
							completed[0] = true;
						});
					}
					default -> throw new IllegalArgumentException(shape.toString());
				}
				completed[0] = true;
			}
			catch (RuntimeException ex) {
				if (!completed[0]) {
					pending.failed(ex);
				}
				if (direct != null && !completed[1]) {
					direct.failed(ex);
				}
			}
		}

		/** Reads every order and period once more through the annotations of every context. */
		void reloadEverything() {
			for (Node node : this.nodes) {
				for (ShapedOrders orders : List.of(node.jdbc, node.jpa)) {
					for (Map.Entry<String, List<String>> period : PERIODS.entrySet()) {
						Pending pending = this.history.invoke(node.index, orders.store().variant(), "FINAL_RELOAD",
								Kind.READ_PERIOD, period.getKey(), null);
						DatabaseReads.reset();
						pending.returnedPeriod(orders.findPeriod(period.getKey()), DatabaseReads.happened());
						for (String orderNo : period.getValue()) {
							Pending read = this.history.invoke(node.index, orders.store().variant(), "FINAL_RELOAD",
									Kind.READ, period.getKey(), orderNo);
							DatabaseReads.reset();
							read.returned(orders.find(period.getKey(), orderNo), DatabaseReads.happened());
						}
					}
				}
			}
		}

	}

	/**
	 * A change whose client cannot tell whether it committed.
	 */
	static final class UnknownOutcome extends RuntimeException {

		private static final long serialVersionUID = 1L;

		UnknownOutcome(Throwable cause) {
			super(cause);
		}

	}

}
