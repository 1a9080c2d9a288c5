package io.fatamorgana.ordercache.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * The cache's circuit breakers, one per Redis primary. On a Cluster each call goes through the
 * breaker of the primary that serves its key's slot, so a dead primary opens its own circuit only:
 * the calls for its slots are skipped once it is detected, and the calls for the other primaries'
 * slots go on. The probe PINGs each open node and closes that node's circuit alone.
 * <p>
 * Standalone and Sentinel have one primary at a time and one circuit, {@link #WHOLE_CONNECTION}.
 * On Sentinel that circuit stands for whichever node is master: the connection follows the master
 * after a failover, and so does the probe, which PINGs through the same connection.
 * <p>
 * A node's circuit is created closed on its first call. Their number is bounded (closed circuits are
 * dropped first when the bound is reached), and a node that no longer serves slots (its replica
 * took over, or it left the cluster) is forgotten when its probe finds so.
 */
public final class CircuitBreakers {

	private static final Log logger = LogFactory.getLog("io.fatamorgana.ordercache");

	/**
	 * The circuit of the connection as a whole: the only one outside a Cluster, and on a Cluster the
	 * one of calls made before the topology is known or for a slot no primary serves.
	 */
	public static final String WHOLE_CONNECTION = "";

	/** Default for {@code ordercache.resilience.max-concurrent-calls}. */
	public static final int DEFAULT_MAX_CONCURRENT_CALLS = 64;

	/** Redis Cluster is documented up to 1,000 nodes: more circuits than this are departed nodes. */
	static final int MAX_CIRCUITS = 1_024;

	private final int failureThreshold;

	private final Duration openDuration;

	private final LongSupplier clock;

	private final int maxConcurrentCalls;

	private final ConcurrentMap<String, Circuit> circuits = new ConcurrentHashMap<>();

	private final LongAdder openings = new LongAdder();

	/**
	 * Creates the breakers, none yet: each is created closed on its node's first call.
	 * @param failureThreshold consecutive failures of a node that open its circuit
	 * @param openDuration how long a circuit stays open before its node is probed
	 */
	public CircuitBreakers(int failureThreshold, Duration openDuration) {
		this(failureThreshold, openDuration, DEFAULT_MAX_CONCURRENT_CALLS);
	}

	/**
	 * Creates the breakers, none yet: each is created closed on its node's first call.
	 * @param failureThreshold consecutive failures of a node that open its circuit
	 * @param openDuration how long a circuit stays open before its node is probed
	 * @param maxConcurrentCalls most calls that may wait for one node at once; more calls for that
	 * node are refused at once, so a frozen node cannot take the callers of the others
	 */
	public CircuitBreakers(int failureThreshold, Duration openDuration, int maxConcurrentCalls) {
		this(failureThreshold, openDuration, System::nanoTime, maxConcurrentCalls);
	}

	CircuitBreakers(int failureThreshold, Duration openDuration, LongSupplier clock) {
		this(failureThreshold, openDuration, clock, DEFAULT_MAX_CONCURRENT_CALLS);
	}

	CircuitBreakers(int failureThreshold, Duration openDuration, LongSupplier clock, int maxConcurrentCalls) {
		Assert.isTrue(failureThreshold >= 1, "failureThreshold must be at least 1");
		Assert.notNull(openDuration, "openDuration must not be null");
		Assert.isTrue(maxConcurrentCalls >= 1, "maxConcurrentCalls must be at least 1");
		this.failureThreshold = failureThreshold;
		this.openDuration = openDuration;
		this.clock = clock;
		this.maxConcurrentCalls = maxConcurrentCalls;
	}

	/**
	 * The breaker of one node, created closed on first use.
	 * @param node the node's id, or {@link #WHOLE_CONNECTION}
	 * @param address the node's {@code host:port}, asked only when the breaker is created
	 * @return its breaker
	 */
	public CircuitBreaker forNode(String node, Supplier<String> address) {
		Circuit circuit = this.circuits.get(node);
		if (circuit != null) {
			return circuit.breaker();
		}
		if (this.circuits.size() >= MAX_CIRCUITS && !node.equals(WHOLE_CONNECTION)) {
			this.circuits.values().removeIf((candidate) -> candidate.breaker().allowsCalls());
			if (this.circuits.size() >= MAX_CIRCUITS) {
				// Every circuit open: a node beyond the bound shares the connection's circuit.
				return forNode(WHOLE_CONNECTION, () -> "");
			}
		}
		return this.circuits.computeIfAbsent(node, (id) -> newCircuit(id, address.get())).breaker();
	}

	private Circuit newCircuit(String node, String address) {
		String target = node.equals(WHOLE_CONNECTION) ? "Redis" : "Redis node " + address;
		return new Circuit(address,
				new CircuitBreaker(this.failureThreshold, this.openDuration, this.clock, target, this.openings::increment,
						this.maxConcurrentCalls));
	}

	/**
	 * The nodes whose circuit is open and whose cool-down is over, so that the prober should try them.
	 * @return their ids
	 */
	public List<String> probesDue() {
		return this.circuits.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().breaker().probeDue())
			.map(Map.Entry::getKey)
			.toList();
	}

	/**
	 * Records that a node answered its probe: calls for its keys go to it again.
	 * @param node the node's id; a node without a circuit is left without one
	 */
	public void closed(String node) {
		Circuit circuit = this.circuits.get(node);
		if (circuit != null) {
			circuit.breaker().closed();
		}
	}

	/**
	 * Records that a node did not answer its probe: its circuit stays open for another cool-down.
	 * @param node the node's id; a node without a circuit is left without one
	 */
	public void probeFailed(String node) {
		Circuit circuit = this.circuits.get(node);
		if (circuit != null) {
			circuit.breaker().probeFailed();
		}
	}

	/**
	 * Forgets a node's circuit, for a node that serves no slots any more: no call goes to it.
	 * @param node the node's id
	 */
	void forget(String node) {
		Circuit forgotten = this.circuits.remove(node);
		if (forgotten != null && !forgotten.breaker().allowsCalls()) {
			logger.info("Order cache circuit of Redis node " + forgotten.address() + " dropped: the node serves no"
					+ " slots any more, and calls for its former slots go to their new primary");
		}
	}

	/**
	 * How often any circuit opened since startup, forgotten ones included.
	 * @return the count
	 */
	public long openings() {
		return this.openings.sum();
	}

	/**
	 * The nodes whose circuit is open, due for a probe or not.
	 * @return their ids
	 */
	public List<String> openNodes() {
		return this.circuits.entrySet()
			.stream()
			.filter((entry) -> !entry.getValue().breaker().allowsCalls())
			.map(Map.Entry::getKey)
			.toList();
	}

	/**
	 * The addresses of the Cluster nodes whose circuit is open, for reports; the circuit of the
	 * connection as a whole is reported by {@link #anyOpen()} alone.
	 * @return {@code host:port} of each, sorted
	 */
	public List<String> openNodeAddresses() {
		return this.circuits.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().equals(WHOLE_CONNECTION) && !entry.getValue().breaker().allowsCalls())
			.map((entry) -> entry.getValue().address())
			.sorted()
			.toList();
	}

	/**
	 * Whether some calls are skipped now: any circuit is open. This is what
	 * {@link io.fatamorgana.ordercache.CacheStatistics#circuitOpen()} reports.
	 * @return {@code true} while at least one circuit is open
	 */
	public boolean anyOpen() {
		return this.circuits.values().stream().anyMatch((circuit) -> !circuit.breaker().allowsCalls());
	}

	/**
	 * Whether no call can reach Redis now: there are circuits, and every one is open.
	 * @return {@code true} when every known circuit is open
	 */
	public boolean allOpen() {
		return !this.circuits.isEmpty()
				&& this.circuits.values().stream().noneMatch((circuit) -> circuit.breaker().allowsCalls());
	}

	/** A node's breaker and its address for reports. */
	private record Circuit(String address, CircuitBreaker breaker) {
	}

}
