package io.fatamorgana.ordercache.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.sentinel.api.sync.RedisSentinelCommands;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Redis primary, one replica and three sentinels monitoring them as {@value #MASTER}, one
 * {@code redis-server} process each on free loopback ports, killed by {@link #close()}.
 */
public final class RedisSentinelProcesses implements AutoCloseable {

	/** The name the sentinels monitor the primary under ({@code spring.data.redis.sentinel.master}). */
	public static final String MASTER = "mymaster";

	private static final Logger logger = LoggerFactory.getLogger(RedisSentinelProcesses.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final File executable;

	private final Path directory;

	private final List<Server> servers = new ArrayList<>();

	private final List<Server> sentinels = new ArrayList<>();

	private RedisSentinelProcesses(File executable) throws IOException {
		this.executable = executable;
		this.directory = Files.createTempDirectory("ordercache-sentinel-");
	}

	/**
	 * Starts a primary, a replica and three sentinels and waits until every sentinel sees the
	 * replica and the other sentinels.
	 * @return the running processes
	 */
	public static RedisSentinelProcesses start() {
		RedisSentinelProcesses processes;
		try {
			processes = new RedisSentinelProcesses(RedisProcess.executable());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find redis-server", ex);
		}
		try {
			processes.build();
			return processes;
		}
		catch (RuntimeException | IOException ex) {
			processes.close();
			throw (ex instanceof RuntimeException runtime) ? runtime
					: new UncheckedIOException("Could not start Redis with Sentinel", (IOException) ex);
		}
	}

	/**
	 * Starts the processes as {@link #start()} does, or aborts the calling test (a JUnit assumption,
	 * reported as skipped with the reason) when they cannot start.
	 * @return the running processes
	 */
	public static RedisSentinelProcesses startOrSkip() {
		try {
			return start();
		}
		catch (RuntimeException ex) {
			Assumptions.abort("Redis Sentinel processes could not start, skipping: " + ex);
			throw ex;
		}
	}

	/** The sentinels, {@code 127.0.0.1:port} each, as {@code spring.data.redis.sentinel.nodes}. */
	public List<String> sentinels() {
		return this.sentinels.stream().map((sentinel) -> "127.0.0.1:" + sentinel.port).toList();
	}

	/** The same as {@link #sentinels()}, comma separated. */
	public String sentinelsProperty() {
		return String.join(",", sentinels());
	}

	/** The port of the current primary, as the first sentinel reports it. */
	public int primaryPort() {
		return ((InetSocketAddress) sentinel(this.sentinels.get(0)).getMasterAddrByName(MASTER)).getPort();
	}

	/**
	 * Raw commands on the current primary.
	 * @return commands on a connection to the primary
	 */
	public RedisCommands<String, String> primary() {
		int port = primaryPort();
		return this.servers.stream()
			.filter((server) -> server.port == port)
			.findFirst()
			.orElseThrow()
			.commands();
	}

	/**
	 * Runs {@code SENTINEL FAILOVER} and waits until every sentinel names the former replica as the
	 * primary and the former primary replicates from it.
	 * @return the port of the new primary
	 */
	public int failover() {
		int old = primaryPort();
		Server promoted = this.servers.stream().filter((server) -> server.port != old).findFirst().orElseThrow();
		Server demoted = this.servers.stream().filter((server) -> server.port == old).findFirst().orElseThrow();
		String reply = sentinel(this.sentinels.get(0)).failover(MASTER);
		if (!"OK".equals(reply)) {
			throw new IllegalStateException("SENTINEL FAILOVER answered " + reply);
		}
		ProcessSupport.await("every sentinel to name port " + promoted.port + " as the primary", TIMEOUT,
				() -> this.sentinels.stream()
					.allMatch((sentinel) -> ((InetSocketAddress) sentinel(sentinel).getMasterAddrByName(MASTER))
						.getPort() == promoted.port));
		ProcessSupport.await("port " + old + " to replicate from port " + promoted.port, TIMEOUT, () -> {
			String replication = demoted.commands().info("replication");
			return promoted.commands().info("replication").contains("role:master")
					&& replication.contains("role:slave") && replication.contains("master_port:" + promoted.port)
					&& replication.contains("master_link_status:up");
		});
		logger.info("Sentinel failover: port {} is primary instead of {}", promoted.port, old);
		return promoted.port;
	}

	@Override
	public void close() {
		for (Server sentinel : this.sentinels) {
			sentinel.close();
		}
		for (Server server : this.servers) {
			server.close();
		}
		ProcessSupport.deleteRecursively(this.directory);
	}

	private void build() throws IOException {
		Server primary = startServer(List.of());
		this.servers.add(primary);
		this.servers.add(startServer(List.of("--replicaof", "127.0.0.1", String.valueOf(primary.port))));
		for (int i = 0; i < 3; i++) {
			this.sentinels.add(startSentinel(primary.port));
		}
		ProcessSupport.await("the replica to be in sync", TIMEOUT, () -> this.servers.get(1)
			.commands()
			.info("replication")
			.contains("master_link_status:up"));
		ProcessSupport.await("every sentinel to see the replica and the other sentinels", TIMEOUT,
				() -> this.sentinels.stream()
			.allMatch((sentinel) -> {
				Map<String, String> master = sentinel(sentinel).master(MASTER);
				return "1".equals(master.get("num-slaves")) && "2".equals(master.get("num-other-sentinels"));
			}));
		logger.info("Started Redis primary {}, replica {} and sentinels {}", primary.port, this.servers.get(1).port,
				sentinels());
	}

	private Server startServer(List<String> extra) throws IOException {
		int port = ProcessSupport.freePort();
		Path dir = Files.createDirectories(this.directory.resolve(Integer.toString(port)));
		List<String> command = new ArrayList<>(List.of(this.executable.getAbsolutePath(), "--port",
				String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
				"--dir", dir.toString()));
		command.addAll(extra);
		return launch(port, command, dir, false);
	}

	private Server startSentinel(int primaryPort) throws IOException {
		int port = ProcessSupport.freePort();
		Path dir = Files.createDirectories(this.directory.resolve(Integer.toString(port)));
		Path config = dir.resolve("sentinel.conf");
		Files.writeString(config, String.join("\n", "port " + port, "bind 127.0.0.1", "dir " + dir,
				"sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " 2",
				"sentinel down-after-milliseconds " + MASTER + " 2000",
				"sentinel failover-timeout " + MASTER + " 10000", "sentinel parallel-syncs " + MASTER + " 1", ""));
		return launch(port, List.of(this.executable.getAbsolutePath(), config.toString(), "--sentinel"), dir, true);
	}

	private Server launch(int port, List<String> command, Path dir, boolean sentinel) throws IOException {
		Path log = dir.resolve("redis.log");
		Process process = ProcessSupport.start(command, log);
		Server server = new Server(port, process, RedisClient.create(RedisURI.create("127.0.0.1", port)));
		try {
			ProcessSupport.awaitAnswer(process, log, port,
					() -> sentinel ? server.sentinelCommands().ping() : server.commands().ping());
			return server;
		}
		catch (IOException ex) {
			server.close();
			throw ex;
		}
	}

	private static RedisSentinelCommands<String, String> sentinel(Server sentinel) {
		return sentinel.sentinelCommands();
	}

	/** One process and a lazily opened connection to it. */
	private static final class Server implements AutoCloseable {

		private final int port;

		private final Process process;

		private final RedisClient client;

		private @Nullable RedisCommands<String, String> commands;

		private @Nullable RedisSentinelCommands<String, String> sentinelCommands;

		Server(int port, Process process, RedisClient client) {
			this.port = port;
			this.process = process;
			this.client = client;
		}

		synchronized RedisCommands<String, String> commands() {
			RedisCommands<String, String> current = this.commands;
			if (current == null) {
				current = this.client.connect().sync();
				this.commands = current;
			}
			return current;
		}

		synchronized RedisSentinelCommands<String, String> sentinelCommands() {
			RedisSentinelCommands<String, String> current = this.sentinelCommands;
			if (current == null) {
				current = this.client.connectSentinel().sync();
				this.sentinelCommands = current;
			}
			return current;
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

}
