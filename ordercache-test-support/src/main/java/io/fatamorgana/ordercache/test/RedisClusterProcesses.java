package io.fatamorgana.ordercache.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Redis Cluster of three primaries and three replicas, one {@code redis-server} process per
 * node on free loopback ports, built with {@code CLUSTER MEET / ADDSLOTS / REPLICATE} (no
 * {@code redis-cli} needed) and killed by {@link #close()}.
 */
public final class RedisClusterProcesses implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisClusterProcesses.class);

	private static final int PRIMARIES = 3;

	private static final int SLOTS = 16384;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final File executable;

	private final Path directory;

	private final List<Node> nodes = new ArrayList<>();

	private RedisClusterProcesses(File executable) throws IOException {
		this.executable = executable;
		this.directory = Files.createTempDirectory("ordercache-cluster-");
	}

	/**
	 * Starts a cluster of three primaries and three replicas and waits until every node reports
	 * {@code cluster_state:ok} and agrees on the topology.
	 * @return the running cluster
	 */
	public static RedisClusterProcesses start() {
		RedisClusterProcesses cluster;
		try {
			cluster = new RedisClusterProcesses(RedisProcess.executable());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find redis-server", ex);
		}
		try {
			cluster.build();
			return cluster;
		}
		catch (RuntimeException | IOException ex) {
			cluster.close();
			throw (ex instanceof RuntimeException runtime) ? runtime
					: new UncheckedIOException("Could not start the Redis Cluster", (IOException) ex);
		}
	}

	/**
	 * Starts a cluster as {@link #start()} does, or aborts the calling test (a JUnit assumption, so
	 * it is reported as skipped with the reason) when the processes cannot start.
	 * @return the running cluster
	 */
	public static RedisClusterProcesses startOrSkip() {
		try {
			return start();
		}
		catch (RuntimeException ex) {
			Assumptions.abort("Redis Cluster processes could not start, skipping: " + ex);
			throw ex;
		}
	}

	/** The seed nodes, {@code 127.0.0.1:port} for all six nodes, as {@code spring.data.redis.cluster.nodes}. */
	public List<String> nodes() {
		return this.nodes.stream().map((node) -> "127.0.0.1:" + node.port).toList();
	}

	/** The same as {@link #nodes()}, comma separated. */
	public String nodesProperty() {
		return String.join(",", nodes());
	}

	/**
	 * Tells which node is primary for a key's slot now.
	 * @param key a key
	 * @return {@code 127.0.0.1:port} of the primary serving it
	 */
	public String primaryFor(String key) {
		int slot = SlotHash.getSlot(key);
		for (ClusterNode node : topology(liveNode())) {
			if (node.primary() && node.serves(slot)) {
				return node.address();
			}
		}
		throw new IllegalStateException("No primary serves slot " + slot);
	}

	/**
	 * Runs {@code CLUSTER FAILOVER} on a replica of the primary serving a key's slot and waits until
	 * the replica is that slot's primary in the view of every node.
	 * @param key a key whose primary should move
	 * @return {@code 127.0.0.1:port} of the new primary
	 */
	public String failover(String key) {
		int slot = SlotHash.getSlot(key);
		List<ClusterNode> topology = topology(liveNode());
		ClusterNode primary = topology.stream()
			.filter((node) -> node.primary() && node.serves(slot))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No primary serves slot " + slot));
		ClusterNode replica = topology.stream()
			.filter((node) -> primary.id().equals(node.primaryId()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("Primary " + primary.address() + " has no replica"));
		Node replicaNode = node(replica.address());
		String reply = replicaNode.commands.clusterFailover(false);
		if (!"OK".equals(reply)) {
			throw new IllegalStateException("CLUSTER FAILOVER on " + replica.address() + " answered " + reply);
		}
		ProcessSupport.await("replica " + replica.address() + " to take over slot " + slot, TIMEOUT,
				() -> this.nodes.stream()
			.allMatch((node) -> topology(node).stream()
				.anyMatch((seen) -> seen.id().equals(replica.id()) && seen.primary() && seen.serves(slot))));
		awaitHealthy();
		logger.info("Failover of slot {}: {} is primary instead of {}", slot, replica.address(), primary.address());
		return replica.address();
	}

	/**
	 * Kills (SIGKILL) the primary serving a key's slot and waits until the surviving nodes have
	 * promoted its replica (after {@code cluster-node-timeout}, 5 s) and report
	 * {@code cluster_state:ok}. The killed node stays down.
	 * @param key a key whose primary should die
	 * @return {@code 127.0.0.1:port} of the new primary
	 */
	public String killPrimary(String key) {
		int slot = SlotHash.getSlot(key);
		List<ClusterNode> topology = topology(liveNode());
		ClusterNode primary = topology.stream()
			.filter((node) -> node.primary() && node.serves(slot))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No primary serves slot " + slot));
		ClusterNode replica = topology.stream()
			.filter((node) -> primary.id().equals(node.primaryId()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("Primary " + primary.address() + " has no replica"));
		Node dead = node(primary.address());
		dead.kill();
		ProcessSupport.await("replica " + replica.address() + " to be promoted for slot " + slot, TIMEOUT,
				() -> this.nodes.stream()
			.filter((node) -> node.process.isAlive())
			.allMatch((node) -> node.commands.clusterInfo().contains("cluster_state:ok") && topology(node).stream()
				.anyMatch((seen) -> seen.id().equals(replica.id()) && seen.primary() && seen.serves(slot))));
		logger.info("Killed primary {} of slot {}: {} was promoted", primary.address(), slot, replica.address());
		return replica.address();
	}

	/**
	 * Keeps every primary serving its slots whatever happens to another: no replica takes over a
	 * primary that stops answering ({@code cluster-replica-no-failover yes}), and the other primaries
	 * go on serving their slots while some are not served ({@code cluster-require-full-coverage no}).
	 * A dead or frozen primary then stays the primary of its slots until it answers again.
	 */
	public void preventFailover() {
		configureFailover(false);
	}

	/** Undoes {@link #preventFailover()}: Redis's defaults, a replica takes over a failed primary. */
	public void allowFailover() {
		configureFailover(true);
	}

	private void configureFailover(boolean allowed) {
		for (Node node : this.nodes) {
			node.commands.configSet("cluster-replica-no-failover", allowed ? "no" : "yes");
			node.commands.configSet("cluster-require-full-coverage", allowed ? "yes" : "no");
		}
	}

	/**
	 * Freezes a node with SIGSTOP: its port stays open and its connections established, but it
	 * answers nothing, like a Redis stalled by the machine or a long fork.
	 * @param address {@code 127.0.0.1:port} of the node
	 */
	public void freeze(String address) {
		Node node = node(address);
		node.signal("STOP");
		node.frozen = true;
	}

	/**
	 * Lets a node frozen by {@link #freeze(String)} go on (SIGCONT).
	 * @param address {@code 127.0.0.1:port} of the node
	 */
	public void thaw(String address) {
		Node node = node(address);
		node.signal("CONT");
		node.frozen = false;
	}

	/**
	 * Raw synchronous commands on one node, to look at what it holds.
	 * @param address {@code 127.0.0.1:port} of a node
	 * @return commands on a connection to that node only
	 */
	public RedisCommands<String, String> commands(String address) {
		return node(address).commands;
	}

	/** The current primaries, {@code 127.0.0.1:port} each. */
	public List<String> primaries() {
		return topology(liveNode()).stream()
			.filter((node) -> node.primary() && !node.unhealthy() && !node.slots().isEmpty())
			.map(ClusterNode::address)
			.toList();
	}

	@Override
	public void close() {
		for (Node node : this.nodes) {
			node.close();
		}
		ProcessSupport.deleteRecursively(this.directory);
	}

	private void build() throws IOException {
		for (int i = 0; i < 2 * PRIMARIES; i++) {
			this.nodes.add(startNode());
		}
		for (int i = 0; i < this.nodes.size(); i++) {
			this.nodes.get(i).commands.clusterSetConfigEpoch(i + 1);
		}
		Node first = this.nodes.get(0);
		for (Node node : this.nodes.subList(1, this.nodes.size())) {
			first.commands.clusterMeet("127.0.0.1", node.port);
		}
		for (int i = 0; i < PRIMARIES; i++) {
			int from = i * SLOTS / PRIMARIES;
			int to = (i + 1) * SLOTS / PRIMARIES;
			int[] slots = new int[to - from];
			for (int slot = from; slot < to; slot++) {
				slots[slot - from] = slot;
			}
			this.nodes.get(i).commands.clusterAddSlots(slots);
		}
		ProcessSupport.await("every node to know every other", TIMEOUT, () -> this.nodes.stream()
			.allMatch((node) -> topology(node).size() == this.nodes.size()));
		for (int i = 0; i < PRIMARIES; i++) {
			Node primary = this.nodes.get(i);
			Node replica = this.nodes.get(PRIMARIES + i);
			replica.commands.clusterReplicate(primary.id);
		}
		awaitHealthy();
		logger.info("Started a Redis Cluster of {} primaries and {} replicas on {} in {}", PRIMARIES, PRIMARIES,
				nodes(), this.directory);
	}

	/**
	 * Waits until every node reports {@code cluster_state:ok}, all agree on the topology, no node is
	 * flagged failing and every replica is in sync, as after {@link #start()}.
	 */
	public void awaitHealthy() {
		ProcessSupport.await("cluster_state:ok on every node, agreement on the topology and replicas in sync",
				TIMEOUT, () -> {
			Set<String> views = new HashSet<>();
			for (Node node : this.nodes) {
				if (!node.commands.clusterInfo().contains("cluster_state:ok")) {
					return false;
				}
				List<ClusterNode> topology = topology(node);
				if (topology.size() != this.nodes.size() || topology.stream().anyMatch(ClusterNode::unhealthy)) {
					return false;
				}
				views.add(String.join("|", topology.stream().map(ClusterNode::summary).sorted().toList()));
				String role = node.commands.info("replication");
				if (role.contains("role:slave") && !role.contains("master_link_status:up")) {
					return false;
				}
			}
			long primaries = topology(liveNode()).stream().filter(ClusterNode::primary).count();
			return views.size() == 1 && primaries == PRIMARIES;
		});
	}

	private Node liveNode() {
		return this.nodes.stream()
			.filter((node) -> node.process.isAlive() && !node.frozen)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No node of the cluster is running"));
	}

	private Node node(String address) {
		return this.nodes.stream()
			.filter((node) -> address.equals("127.0.0.1:" + node.port))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Not a node of this cluster: " + address));
	}

	private static List<ClusterNode> topology(Node node) {
		List<ClusterNode> topology = new ArrayList<>();
		for (String line : node.commands.clusterNodes().split("\n")) {
			if (!line.isBlank()) {
				topology.add(ClusterNode.parse(line.trim()));
			}
		}
		return topology;
	}

	private Node startNode() throws IOException {
		int port = ProcessSupport.freePort();
		Path dir = Files.createDirectories(this.directory.resolve(Integer.toString(port)));
		Path log = dir.resolve("redis.log");
		Process process = ProcessSupport.start(List.of(this.executable.getAbsolutePath(), "--port",
				String.valueOf(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file",
				"nodes.conf", "--cluster-node-timeout", "5000", "--save", "", "--appendonly", "no", "--daemonize", "no",
				"--dir", dir.toString()), log);
		RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
		try {
			Node node = new Node(port, process, client, ProcessSupport.awaitAnswer(process, log, port, client::connect));
			logger.debug("Started cluster node on port {} (pid {})", port, process.pid());
			return node;
		}
		catch (IOException ex) {
			client.shutdown();
			throw ex;
		}
	}

	/** One node's process and a connection to it. */
	private static final class Node implements AutoCloseable {

		private final int port;

		private final Process process;

		private final RedisClient client;

		private final RedisCommands<String, String> commands;

		private final String id;

		private volatile boolean frozen;

		Node(int port, Process process, RedisClient client, StatefulRedisConnection<String, String> connection) {
			this.port = port;
			this.process = process;
			this.client = client;
			this.commands = connection.sync();
			this.id = this.commands.clusterMyId();
		}

		void signal(String name) {
			try {
				Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(this.process.pid())).inheritIO()
					.start();
				if (kill.waitFor() != 0) {
					throw new IllegalStateException("kill -" + name + " failed for redis-server pid " + this.process.pid());
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while signalling redis-server", ex);
			}
		}

		void kill() {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void close() {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}

	}

	/** One line of {@code CLUSTER NODES}. */
	private record ClusterNode(String id, String address, Set<String> flags, String primaryId, List<int[]> slots) {

		static ClusterNode parse(String line) {
			String[] parts = line.split(" ");
			String address = parts[1].split("@")[0];
			Set<String> flags = Set.of(parts[2].split(","));
			List<int[]> slots = new ArrayList<>();
			for (int i = 8; i < parts.length; i++) {
				if (!parts[i].startsWith("[")) {
					String[] range = parts[i].split("-");
					int from = Integer.parseInt(range[0]);
					slots.add(new int[] { from, (range.length > 1) ? Integer.parseInt(range[1]) : from });
				}
			}
			return new ClusterNode(parts[0], address, flags, parts[3], slots);
		}

		boolean primary() {
			return this.flags.contains("master");
		}

		boolean serves(int slot) {
			return this.slots.stream().anyMatch((range) -> range[0] <= slot && slot <= range[1]);
		}

		boolean unhealthy() {
			return this.flags.contains("fail") || this.flags.contains("fail?") || this.flags.contains("handshake")
					|| this.flags.contains("noaddr");
		}

		String summary() {
			StringBuilder slotText = new StringBuilder();
			this.slots.forEach((range) -> slotText.append(range[0]).append('-').append(range[1]).append(' '));
			return this.id + " " + (primary() ? "primary" : "replica-of-" + this.primaryId) + " " + slotText;
		}

	}

}
