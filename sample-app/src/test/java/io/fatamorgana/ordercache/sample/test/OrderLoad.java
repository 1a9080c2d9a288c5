package io.fatamorgana.ordercache.sample.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

import io.fatamorgana.ordercache.sample.test.Http.Response;
import tools.jackson.databind.JsonNode;

import static org.awaitility.Awaitility.await;

/**
 * Clients of a fleet of sample apps: each thread creates orders, changes their status, deletes
 * them and reads them and their periods, each call through an instance picked at random, and checks
 * every answer about its own orders against what it was told before: a read that begins after a
 * change was acknowledged (by whichever instance) must show that change, and a deleted order must
 * not be served. Nobody else changes a thread's orders, so what it was last told is the database's
 * state.
 * <p>
 * One class of stale reads is documented rather than excluded (README, "Pending evictions that
 * survive the instance"): while Redis answers some instances and not yet others, an order changed on
 * one that cannot reach Redis may be served at its old version by one that can, until that one reads
 * the table. With {@link #tolerateOtherInstancesChangesFor(Duration)} such reads (another instance
 * acknowledged the change, the read began less than the window after it) are kept apart in
 * {@link #boundedStaleReads()}; every other stale read, and any older than the window, is a
 * {@link #staleReads() stale read}.
 * <p>
 * With a near cache, {@link #strictForInstancesThatServedTheChange()} also counts as stale (never
 * bounded) a read through an instance that had already served the acknowledged state of the order to
 * this client through {@code GET /orders/{period}/{orderNo}}: that instance saw the change; and
 * {@link #readBackAfterChanges()} reads every changed order back at once, through the instance that
 * acknowledged the change and through another.
 */
public final class OrderLoad implements AutoCloseable {

	private final List<String> periods;

	private final List<Worker> workers = new ArrayList<>();

	private final Queue<String> staleReads = new ConcurrentLinkedQueue<>();

	private final Queue<String> boundedStaleReads = new ConcurrentLinkedQueue<>();

	private volatile long toleratedNanos;

	private volatile long toleranceEnd = Long.MAX_VALUE;

	private volatile boolean strictForInstancesThatServedTheChange;

	private volatile boolean readBackAfterChanges;

	private final Map<String, LongAccumulator> maxBoundedStalenessByPhase = new ConcurrentHashMap<>();

	private final LongAccumulator maxBoundedStaleness = new LongAccumulator(Math::max, 0);

	private final LongAdder readsChecked = new LongAdder();

	private final Queue<String> failedCalls = new ConcurrentLinkedQueue<>();

	private final Set<String> deleted = ConcurrentHashMap.newKeySet();

	private volatile List<SampleAppProcess> instances;

	private volatile String phase = "start";

	private volatile boolean running = true;

	/**
	 * Starts the clients.
	 * @param threads how many
	 * @param instances the instances they call
	 * @param periods the periods their orders are created in
	 */
	public OrderLoad(int threads, List<SampleAppProcess> instances, List<String> periods) {
		this.instances = List.copyOf(instances);
		this.periods = List.copyOf(periods);
		for (int i = 0; i < threads; i++) {
			Worker worker = new Worker("load-" + i);
			this.workers.add(worker);
			worker.thread.start();
		}
	}

	/** Names what the fleet goes through now, for the messages of what is found meanwhile. */
	public void phase(String phase) {
		this.phase = phase;
	}

	/**
	 * From now on, a stale read of an order whose change another instance acknowledged less than
	 * this long before the read began is recorded as bounded, not stale.
	 * @param window the documented window, or {@link Duration#ZERO} for none
	 */
	public void tolerateOtherInstancesChangesFor(Duration window) {
		this.toleratedNanos = window.toNanos();
		this.toleranceEnd = Long.MAX_VALUE;
	}

	/** Changes acknowledged from now on are tolerated no stale read at all. */
	public void endTolerance() {
		this.toleranceEnd = System.nanoTime();
	}

	/**
	 * From now on, a stale read through an instance that had served the acknowledged state of the
	 * order to the same client (a {@code GET} of the order) is never bounded.
	 */
	public void strictForInstancesThatServedTheChange() {
		this.strictForInstancesThatServedTheChange = true;
	}

	/**
	 * From now on, each client reads an order back right after a change of it was acknowledged:
	 * through the instance that made it (read-your-writes), then through another one.
	 */
	public void readBackAfterChanges() {
		this.readBackAfterChanges = true;
	}

	/**
	 * The largest staleness of the {@link #boundedStaleReads() bounded stale reads}, by the phase in
	 * which each read began.
	 * @return the staleness by phase
	 */
	public Map<String, Duration> maxBoundedStalenessByPhase() {
		Map<String, Duration> byPhase = new TreeMap<>();
		this.maxBoundedStalenessByPhase.forEach((phase, max) -> byPhase.put(phase, Duration.ofNanos(max.get())));
		return byPhase;
	}

	/** Stale reads within the tolerated window of another instance's change. */
	public List<String> boundedStaleReads() {
		return List.copyOf(this.boundedStaleReads);
	}

	/**
	 * The largest staleness of a {@link #boundedStaleReads() bounded stale read}: from the change's
	 * acknowledgement to the read's beginning.
	 * @return the staleness, zero when there was none
	 */
	public Duration maxBoundedStaleness() {
		return Duration.ofNanos(this.maxBoundedStaleness.get());
	}

	/** Answers checked against what the clients were told: order reads, and each own order of a period read. */
	public long readsChecked() {
		return this.readsChecked.sum();
	}

	/** Calls finished, all threads together. */
	public long calls() {
		return this.workers.stream().mapToLong((worker) -> worker.calls.get()).sum();
	}

	/**
	 * Stops calling an instance, and returns once no call to it is under way.
	 * @param instance the instance
	 */
	public void retire(SampleAppProcess instance) {
		this.instances = this.instances.stream().filter((candidate) -> candidate != instance).toList();
		long[] before = this.workers.stream().mapToLong((worker) -> worker.calls.get()).toArray();
		await("the calls under way to " + instance.name()).atMost(Duration.ofSeconds(60)).until(() -> {
			for (int i = 0; i < before.length; i++) {
				if (this.workers.get(i).calls.get() <= before[i] && this.workers.get(i).thread.isAlive()) {
					return false;
				}
			}
			return true;
		});
	}

	/**
	 * Waits until the clients made more calls.
	 * @param calls how many more
	 */
	public void awaitCalls(long calls) {
		long target = calls() + calls;
		await(calls + " more calls").atMost(Duration.ofSeconds(60)).until(() -> calls() >= target);
	}

	/** Reads that showed an order older than an acknowledged change, or an acknowledged delete undone. */
	public List<String> staleReads() {
		return List.copyOf(this.staleReads);
	}

	/** Calls that did not get the answer the use case gives whatever the cache does. */
	public List<String> failedCalls() {
		return List.copyOf(this.failedCalls);
	}

	/** The orders the clients deleted, as {@code period/orderNo}. */
	public Set<String> deleted() {
		return Set.copyOf(this.deleted);
	}

	/** Stops the clients and waits for them. */
	@Override
	public void close() {
		this.running = false;
		for (Worker worker : this.workers) {
			try {
				worker.thread.join(Duration.ofSeconds(60).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** What a thread was last told about one of its orders. */
	private record Known(String period, String orderNo, long version, String status, boolean deleted,
			String acknowledgedBy, long acknowledgedAt) {

		Known(String period, String orderNo, long version, String status, boolean deleted,
				SampleAppProcess acknowledgedBy) {
			this(period, orderNo, version, status, deleted, acknowledgedBy.name(), System.nanoTime());
		}

		String path() {
			return "/orders/" + this.period + "/" + this.orderNo;
		}

	}

	private final class Worker {

		private final Thread thread;

		private final AtomicLong calls = new AtomicLong();

		private final Map<String, Known> orders = new HashMap<>();

		private final List<String> orderNumbers = new ArrayList<>();

		/** By order number: the instances that served its acknowledged state to this client by a GET of it. */
		private final Map<String, Set<String>> servedBy = new HashMap<>();

		Worker(String name) {
			this.thread = new Thread(this::run, name);
			this.thread.setDaemon(true);
		}

		private void run() {
			while (OrderLoad.this.running) {
				List<SampleAppProcess> instances = OrderLoad.this.instances;
				SampleAppProcess instance = instances.get(ThreadLocalRandom.current().nextInt(instances.size()));
				try {
					call(instance);
				}
				catch (RuntimeException ex) {
					failed(instance, "a call", ex.toString());
				}
				this.calls.incrementAndGet();
			}
		}

		private void call(SampleAppProcess instance) {
			double choice = ThreadLocalRandom.current().nextDouble();
			if (this.orders.size() < 5 || choice < 0.25) {
				create(instance);
			}
			else if (choice < 0.45) {
				changeStatus(instance, pick());
			}
			else if (choice < 0.52) {
				delete(instance, pick());
			}
			else if (choice < 0.9) {
				read(instance, pick());
			}
			else {
				readPeriod(instance, OrderLoad.this.periods.get(ThreadLocalRandom.current().nextInt(OrderLoad.this.periods.size())));
			}
		}

		private Known pick() {
			String orderNo = this.orderNumbers.get(ThreadLocalRandom.current().nextInt(this.orderNumbers.size()));
			return this.orders.get(orderNo);
		}

		private void create(SampleAppProcess instance) {
			String period = OrderLoad.this.periods.get(ThreadLocalRandom.current().nextInt(OrderLoad.this.periods.size()));
			Response response = instance.http()
				.post("/create", "{\"uid\":\"" + this.thread.getName() + "\",\"period_number\":\"" + period
						+ "\",\"amount\":12.50}");
			if (response.status() != 201) {
				failed(instance, "POST /create", response.status() + " " + response.body());
				return;
			}
			JsonNode order = response.json();
			Known created = new Known(period, order.get("order_no").asString(), order.get("version").asLong(),
					order.get("status").asString(), false, instance);
			remember(created);
			readBack(instance, created);
		}

		private void changeStatus(SampleAppProcess instance, Known known) {
			String next = switch (known.status()) {
				case "pending" -> ThreadLocalRandom.current().nextBoolean() ? "paid" : "cancelled";
				case "paid" -> "cancelled";
				default -> null;
			};
			if (known.deleted() || next == null) {
				read(instance, known);
				return;
			}
			Response response = instance.http().put(known.path() + "/status", "{\"status\":\"" + next + "\"}");
			if (response.status() != 200) {
				failed(instance, "PUT " + known.path() + "/status", response.status() + " " + response.body());
				return;
			}
			JsonNode order = response.json();
			Known changed = new Known(known.period(), known.orderNo(), order.get("version").asLong(),
					order.get("status").asString(), false, instance);
			remember(changed);
			readBack(instance, changed);
		}

		private void delete(SampleAppProcess instance, Known known) {
			if (known.deleted()) {
				read(instance, known);
				return;
			}
			Response response = instance.http().delete(known.path());
			if (response.status() != 204) {
				failed(instance, "DELETE " + known.path(), response.status() + " " + response.body());
				return;
			}
			OrderLoad.this.deleted.add(known.period() + "/" + known.orderNo());
			Known deleted = new Known(known.period(), known.orderNo(), known.version(), known.status(), true, instance);
			remember(deleted);
			readBack(instance, deleted);
		}

		private void read(SampleAppProcess instance, Known known) {
			long began = System.nanoTime();
			String phase = OrderLoad.this.phase;
			Response response = instance.http().get(known.path());
			OrderLoad.this.readsChecked.increment();
			if (known.deleted()) {
				if (response.status() != 404) {
					stale(instance, began, phase, known, "GET " + known.path(), "deleted, but answered "
							+ response.status() + " " + response.body());
				}
				else {
					served(instance, known);
				}
				return;
			}
			if (response.status() != 200) {
				failed(instance, "GET " + known.path(), response.status() + " " + response.body());
				return;
			}
			if (compare(instance, began, phase, "GET " + known.path(), known, response.json())) {
				served(instance, known);
			}
		}

		private void served(SampleAppProcess instance, Known known) {
			this.servedBy.computeIfAbsent(known.orderNo(), (orderNo) -> new HashSet<>()).add(instance.name());
		}

		private void readPeriod(SampleAppProcess instance, String period) {
			long began = System.nanoTime();
			String phase = OrderLoad.this.phase;
			Response response = instance.http().get("/orders/" + period);
			if (response.status() != 200) {
				failed(instance, "GET /orders/" + period, response.status() + " " + response.body());
				return;
			}
			Map<String, JsonNode> served = new HashMap<>();
			response.json().valueStream().forEach((order) -> served.put(order.get("order_no").asString(), order));
			for (Known known : this.orders.values()) {
				if (!known.period().equals(period)) {
					continue;
				}
				JsonNode order = served.get(known.orderNo());
				OrderLoad.this.readsChecked.increment();
				if (known.deleted() && order != null) {
					stale(instance, began, phase, known, "GET /orders/" + period, known.orderNo() + " deleted, but served");
				}
				else if (!known.deleted() && order == null) {
					stale(instance, began, phase, known, "GET /orders/" + period, known.orderNo() + " created, but missing");
				}
				else if (order != null) {
					compare(instance, began, phase, "GET /orders/" + period, known, order);
				}
			}
		}

		private boolean compare(SampleAppProcess instance, long began, String phase, String call, Known known,
				JsonNode order) {
			long version = order.get("version").asLong();
			String status = order.get("status").asString();
			if (version != known.version() || !status.equals(known.status())) {
				stale(instance, began, phase, known, call, known.orderNo() + " version " + version + " " + status
						+ ", acknowledged " + known.version() + " " + known.status());
				return false;
			}
			return true;
		}

		private void remember(Known known) {
			if (this.orders.put(known.orderNo(), known) == null) {
				this.orderNumbers.add(known.orderNo());
			}
			this.servedBy.remove(known.orderNo());
		}

		/** Reads back an order whose change an instance just acknowledged, if asked to. */
		private void readBack(SampleAppProcess instance, Known known) {
			if (!OrderLoad.this.readBackAfterChanges) {
				return;
			}
			read(instance, known);
			List<SampleAppProcess> others = OrderLoad.this.instances.stream()
				.filter((candidate) -> candidate != instance)
				.toList();
			if (!others.isEmpty()) {
				read(others.get(ThreadLocalRandom.current().nextInt(others.size())), known);
			}
		}

		private void stale(SampleAppProcess instance, long began, String phase, Known known, String call, String what) {
			long after = began - known.acknowledgedAt();
			boolean sawIt = OrderLoad.this.strictForInstancesThatServedTheChange
					&& this.servedBy.getOrDefault(known.orderNo(), Set.of()).contains(instance.name());
			String read = phase + ": " + instance.name() + " " + call + ": " + what + " (acknowledged by "
					+ known.acknowledgedBy() + " " + after / 1_000_000 + " ms before the read began"
					+ (sawIt ? "; " + instance.name() + " had served the acknowledged state to this client" : "") + ")";
			boolean bounded = !known.acknowledgedBy().equals(instance.name()) && !sawIt
					&& after < OrderLoad.this.toleratedNanos && known.acknowledgedAt() - OrderLoad.this.toleranceEnd < 0;
			if (bounded) {
				OrderLoad.this.maxBoundedStaleness.accumulate(after);
				OrderLoad.this.maxBoundedStalenessByPhase
					.computeIfAbsent(phase, (p) -> new LongAccumulator(Math::max, 0))
					.accumulate(after);
			}
			(bounded ? OrderLoad.this.boundedStaleReads : OrderLoad.this.staleReads).add(read);
		}

		private void failed(SampleAppProcess instance, String call, String what) {
			OrderLoad.this.failedCalls.add(OrderLoad.this.phase + ": " + instance.name() + " " + call + ": " + what);
		}

	}

}
