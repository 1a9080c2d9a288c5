package io.fatamorgana.ordercache.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Benchmark 6: the sample app over HTTP under a concurrent load. For each database (H2 in memory,
 * and PostgreSQL when it answers on 127.0.0.1:5432) the sample app's executable jar is started as a
 * JVM of its own, once with ordercache on, once with {@code --ordercache.enabled=false} (database
 * only) and once with {@code --ordercache.near-cache.enabled=true} (ordercache with its near cache
 * in front of Redis); orders are created through {@code POST /create}, then a closed-loop load
 * generator on loopback sends {@code GET /orders/{period}/{orderNo}} for random orders of that
 * period from a fixed number of connections, for a fixed time, and records every latency.
 * <p>
 * Benchmark 7 is the same beside other work: a {@link CpuHog} keeps every core busy for the whole
 * run, so that Redis, the app and the database answer late, as on a crowded machine. The cache must
 * tell slow from dead there, or it turns into a brake (its calls time out, then the database answers).
 * <p>
 * wrk and the like are not on a fresh machine, hence the small {@link HttpClient} load generator:
 * it is slower per request than wrk, but it loads both configurations the same way.
 */
final class HttpLoadBenchmark {

	/** Every key the apps write starts with this; deleted at the end (SCAN + UNLINK, never FLUSH). */
	private static final String KEY_PREFIX = "ocbench_http_";

	/** Concurrent connections, each a worker thread that sends its next request when answered. */
	private static final int CONNECTIONS = 16;

	/** Concurrent clients that create the orders (the sequence row serialises them anyway). */
	private static final int CREATORS = 4;

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

	private static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";

	private HttpLoadBenchmark() {
	}

	/**
	 * Runs benchmark 6.
	 * @param settings the run's settings
	 * @return the section of the report
	 */
	static Section run(BenchSettings settings) {
		return run(settings, false);
	}

	/**
	 * Runs benchmark 7: benchmark 6 beside a {@link CpuHog}.
	 * @param settings the run's settings
	 * @return the section of the report
	 */
	static Section runBesideCpuHog(BenchSettings settings) {
		return run(settings, true);
	}

	private static Section run(BenchSettings settings, boolean besideHog) {
		String title = besideHog ? "7. Sample app over HTTP beside a CPU hog" : "6. Sample app over HTTP";
		Path jar = settings.sampleAppJar();
		if (jar == null || !Files.isRegularFile(jar)) {
			String why = (jar == null) ? "no sample app jar was given" : "the sample app jar " + jar
					+ " does not exist (build it with `./mvnw -B -pl sample-app -am package -DskipTests`)";
			System.out.println("[http] skipped: " + why);
			return new Section(title, "Skipped: " + why + ".\n", List.of());
		}
		// Quick: 6 configurations × (5-10 s to start, 1-3 s of orders, 11 s of load) stay under 2.5 min
		// even while other work shares the 2 cores; full: about 7 minutes.
		int orders = settings.pick(300, 1000);
		// The JIT needs more than 10 s of this load to reach a steady rate (measured: 2,700 requests/s
		// over the first 12 s, 8,200 over the next 25 s); the quick run's figures are rough for it.
		Duration warmUp = Duration.ofSeconds(settings.pick(5, 25));
		Duration measure = Duration.ofSeconds(settings.pick(6, 30));
		// A period of its own per run and configuration, in the seed's format yyyyMMdd_NNN.
		String day = LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE);
		int firstPeriod = ThreadLocalRandom.current().nextInt(100, 990);

		List<Row> rows = new ArrayList<>();
		List<String> skipped = new ArrayList<>();
		CpuHog hog = besideHog ? CpuHog.start() : null;
		try {
			int configuration = 0;
			for (Database database : Database.values()) {
				String unavailable = database.unavailable();
				if (unavailable != null) {
					System.out.println("[http] " + database.label + " skipped: " + unavailable);
					skipped.add(database.label + ": skipped, " + unavailable + ".");
					continue;
				}
				for (Mode mode : Mode.values()) {
					String period = day + "_" + String.format(Locale.ROOT, "%03d", firstPeriod + configuration++);
					rows.add(measureOne(settings, jar, database, mode, period, orders, warmUp, measure));
				}
			}
		}
		finally {
			if (hog != null) {
				hog.close();
			}
			try (BenchRedis redis = new BenchRedis(settings.redisUrl())) {
				long removed = redis.deleteKeys(KEY_PREFIX);
				System.out.println("[http] removed " + removed + " " + KEY_PREFIX + "* keys");
			}
			catch (RuntimeException ex) {
				System.out.println("[http] could not remove the " + KEY_PREFIX + "* keys: " + ex);
			}
		}
		return section(title, besideHog, rows, skipped, orders, warmUp, measure);
	}

	/** Starts the app for one configuration, fills it with orders, loads it, stops it. */
	private static Row measureOne(BenchSettings settings, Path jar, Database database, Mode mode, String period,
			int orderCount, Duration warmUp, Duration measure) {
		String name = database.label + ", " + mode.name;
		String schema = (database == Database.POSTGRESQL)
				? KEY_PREFIX + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff)) : null;
		Process app = null;
		Thread killer = null;
		try {
			if (schema != null) {
				postgres("CREATE SCHEMA " + schema);
			}
			int port = freePort();
			Path log = settings.workDirectory()
				.resolve("http-" + database.name().toLowerCase(Locale.ROOT) + "-" + mode.file + ".log");
			Files.createDirectories(log.getParent());
			System.out.println("[http] " + name + ": starting the sample app on port " + port + " (log " + log + ")");
			app = start(jar, port, settings.redisUrl(), database, schema, mode, log);
			// Should the suite be interrupted (Ctrl-C), the app must not outlive it.
			killer = new Thread(app::destroyForcibly);
			Runtime.getRuntime().addShutdownHook(killer);
			URI base = URI.create("http://127.0.0.1:" + port);
			HttpClient client = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(5))
				.build();
			awaitReady(client, base, app, log);
			if (mode == Mode.NEAR) {
				awaitNearCacheTrusted(client, base);
			}

			long creating = System.nanoTime();
			List<String> orderNos = createOrders(client, base, period, orderCount);
			System.out.printf(Locale.ROOT, "[http] %s: created %d orders in %s in %.1f s%n", name, orderNos.size(),
					period, (System.nanoTime() - creating) / 1e9);
			List<HttpRequest> requests = orderNos.stream()
				.map((orderNo) -> HttpRequest.newBuilder(base.resolve("/orders/" + period + "/" + orderNo))
					.timeout(Duration.ofSeconds(10))
					.GET()
					.build())
				.toList();

			// The warm-up lets both JVMs compile the hot paths (and reads every order at least once
			// on average); its figures are discarded.
			Load warm = load(client, requests, warmUp);
			System.out.println("[http] " + name + ": warm-up " + warm.summary());
			if (mode == Mode.NEAR) {
				requireWatched(settings, period);
			}
			// The cache's own counters around the measurement: a Redis call that times out (50 ms) or
			// is skipped while the circuit is open is answered by the database, so the share of reads
			// Redis answered tells what the "cache on" figures are made of.
			CacheStats before = (mode != Mode.OFF) ? CacheStats.of(client, base, mode == Mode.NEAR) : null;
			Load load = load(client, requests, measure);
			CacheStats during = (before != null) ? CacheStats.of(client, base, mode == Mode.NEAR).minus(before) : null;
			System.out.println("[http] " + name + ": measured " + load.summary()
					+ ((during != null) ? ", cache " + during : ""));
			return new Row(database, mode, load, during);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(name + " failed", ex);
		}
		finally {
			if (app != null) {
				long stopping = System.nanoTime();
				stop(app);
				System.out.printf(Locale.ROOT, "[http] %s: stopped in %.1f s%n", name, (System.nanoTime() - stopping) / 1e9);
			}
			if (killer != null) {
				try {
					Runtime.getRuntime().removeShutdownHook(killer);
				}
				catch (IllegalStateException ex) {
					// The JVM is shutting down: the hook runs anyway.
				}
			}
			if (schema != null) {
				try {
					postgres("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
				}
				catch (RuntimeException ex) {
					System.out.println("[http] could not drop schema " + schema + ": " + ex);
				}
			}
		}
	}

	private static Process start(Path jar, int port, String redisUrl, Database database, @Nullable String schema,
			Mode mode, Path log) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toString(),
				"--server.port=" + port, "--spring.data.redis.url=" + redisUrl,
				"--ordercache.key-prefix=" + KEY_PREFIX,
				// No warm-up of the demo period: startup time is not what is measured.
				"--ordercache.warm-up.periods=",
				// Never the sample's embedded Redis: the benchmark's Redis only.
				"--sample.embedded-redis.mode=never", "--spring.main.banner-mode=off",
				"--logging.level.root=WARN"));
		if (mode == Mode.OFF) {
			command.add("--ordercache.enabled=false");
		}
		if (mode == Mode.NEAR) {
			command.add("--ordercache.near-cache.enabled=true");
		}
		if (schema != null) {
			// As the sample app's PostgreSQL tests do: a schema of its own for data and Flyway.
			command.add("--spring.profiles.active=postgres");
			command.add("--spring.datasource.url=" + POSTGRES_URL + "?currentSchema=" + schema);
			command.add("--spring.flyway.default-schema=" + schema);
		}
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
			.start();
	}

	/** Polls the health endpoint until it answers 200; fails with the log's tail otherwise. */
	private static void awaitReady(HttpClient client, URI base, Process app, Path log) throws IOException {
		long started = System.nanoTime();
		long deadline = started + READY_TIMEOUT.toNanos();
		HttpRequest health = HttpRequest.newBuilder(base.resolve("/actuator/health"))
			.timeout(Duration.ofSeconds(2))
			.build();
		while (System.nanoTime() < deadline) {
			if (!app.isAlive()) {
				throw new IllegalStateException(
						"The sample app exited with " + app.exitValue() + " while starting; its log ends:\n" + tail(log));
			}
			try {
				if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					System.out.printf(Locale.ROOT, "[http] ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
					return;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
			sleep(250);
		}
		throw new IllegalStateException(
				"The sample app was not ready within " + READY_TIMEOUT.toSeconds() + " s; its log ends:\n" + tail(log));
	}

	/**
	 * Waits until the app's near cache answers from memory (its channel subscribed and a heartbeat
	 * heard, meter {@code ordercache.near.trusted}), so that the warm-up fills it. An app built without
	 * the near cache's meters is not waited for: the warm-up is longer than its first heartbeat.
	 */
	private static void awaitNearCacheTrusted(HttpClient client, URI base) throws IOException {
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		try {
			while (System.nanoTime() < deadline) {
				Long trusted = CacheStats.optionalMeter(client, base, "ordercache.near.trusted");
				if (trusted == null) {
					System.out.println("[http] the app has no meter ordercache.near.trusted: not waiting for it");
					return;
				}
				if (trusted == 1) {
					return;
				}
				sleep(100);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		throw new IllegalStateException("The app's near cache was not trusted within " + READY_TIMEOUT.toSeconds() + " s");
	}

	/**
	 * Fails unless the near cache read the period: its first read through the near cache sets the
	 * period's watch field {@code !n} to the channel, so an app whose reads bypass the near cache (not
	 * enabled, never trusted) would be measured as the plain cache under the near cache's name.
	 */
	private static void requireWatched(BenchSettings settings, String period) {
		try (BenchRedis redis = new BenchRedis(settings.redisUrl())) {
			byte[] watch = redis.sync().hget(Orders.bytes(KEY_PREFIX + period), Orders.bytes("!n"));
			String channel = KEY_PREFIX + "!near";
			if (watch == null || !channel.equals(new String(watch, StandardCharsets.UTF_8))) {
				throw new IllegalStateException("After the warm-up, period " + period + " is not watched by a near cache ("
						+ KEY_PREFIX + period + " !n = " + ((watch != null) ? new String(watch, StandardCharsets.UTF_8) : "none")
						+ ", expected " + channel + "): the app's reads did not go through its near cache");
			}
		}
	}

	/** Creates orders by {@code POST /create}, a few at a time, and returns their numbers. */
	private static List<String> createOrders(HttpClient client, URI base, String period, int count) {
		// The first one alone: it creates the period's sequence row, which others would race for.
		List<String> orderNos = new ArrayList<>(List.of(create(client, base, period, 0)));
		ExecutorService creators = Executors.newFixedThreadPool(CREATORS);
		try {
			List<Future<String>> created = new ArrayList<>();
			for (int i = 1; i < count; i++) {
				int index = i;
				created.add(creators.submit(() -> create(client, base, period, index)));
			}
			for (Future<String> orderNo : created) {
				orderNos.add(orderNo.get());
			}
			return orderNos;
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not create the orders of " + period, ex);
		}
		finally {
			creators.shutdownNow();
		}
	}

	private static String create(HttpClient client, URI base, String period, int index) {
		// The README's example order: every field of NewOrder that the server does not choose.
		String body = String.format(Locale.ROOT,
				"{\"uid\":\"user%d\",\"period_number\":\"%s\",\"amount\":100.00,\"profit_amount\":5.00,"
						+ "\"like_count\":10,\"share_count\":5,\"follow_count\":3,\"favorite_count\":2}",
				index % 1000, period);
		HttpRequest request = HttpRequest.newBuilder(base.resolve("/create"))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		try {
			HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
			if (response.statusCode() != 201) {
				throw new IllegalStateException("POST /create answered " + response.statusCode() + ": "
						+ new String(response.body(), StandardCharsets.UTF_8));
			}
			return Orders.READER.<BenchOrder>readValue(response.body()).orderNo();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * The load generator: {@value #CONNECTIONS} workers in a closed loop until the time is up, each
	 * GET of a random order, every latency recorded.
	 */
	private static Load load(HttpClient client, List<HttpRequest> requests, Duration duration) {
		ExecutorService workers = Executors.newFixedThreadPool(CONNECTIONS);
		try {
			long start = System.nanoTime();
			long end = start + duration.toNanos();
			List<Future<Worker>> futures = new ArrayList<>();
			for (int i = 0; i < CONNECTIONS; i++) {
				futures.add(workers.submit(() -> new Worker().run(client, requests, end)));
			}
			List<Worker> done = new ArrayList<>();
			for (Future<Worker> future : futures) {
				done.add(future.get());
			}
			// Until the last answer: requests sent before the end are answered a little after it.
			double seconds = (System.nanoTime() - start) / 1e9;
			return Load.of(done, seconds);
		}
		catch (Exception ex) {
			throw new IllegalStateException("The load generator failed", ex);
		}
		finally {
			workers.shutdownNow();
		}
	}

	/** One connection's loop; its own latency array, so that recording takes no lock. */
	private static final class Worker {

		private long[] latencies = new long[16_384];

		private int count;

		private long failed;

		Worker run(HttpClient client, List<HttpRequest> requests, long end) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			while (System.nanoTime() < end) {
				HttpRequest request = requests.get(random.nextInt(requests.size()));
				long sent = System.nanoTime();
				try {
					int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
					long latency = System.nanoTime() - sent;
					if (status != 200) {
						this.failed++;
						continue;
					}
					if (this.count == this.latencies.length) {
						this.latencies = Arrays.copyOf(this.latencies, this.count * 2);
					}
					this.latencies[this.count++] = latency;
				}
				catch (IOException ex) {
					this.failed++;
					// A refused or reset connection fails at once: do not spin on it.
					sleep(10);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			return this;
		}

	}

	/**
	 * What one load phase measured: answers per second and latency percentiles (nanoseconds) of the
	 * 200 answers; errors are other statuses and failed requests.
	 */
	private record Load(long answered, long errors, double requestsPerSecond, long p50, long p99, long max) {

		static Load of(List<Worker> workers, double seconds) {
			int total = workers.stream().mapToInt((worker) -> worker.count).sum();
			long[] all = new long[total];
			int at = 0;
			long errors = 0;
			for (Worker worker : workers) {
				System.arraycopy(worker.latencies, 0, all, at, worker.count);
				at += worker.count;
				errors += worker.failed;
			}
			Arrays.sort(all);
			return new Load(total, errors, total / seconds, Format.percentile(all, 50), Format.percentile(all, 99),
					(total > 0) ? all[total - 1] : 0);
		}

		String summary() {
			return String.format(Locale.ROOT, "%,.0f requests/s, p50 %s, p99 %s, max %s, %d answers, %d errors",
					this.requestsPerSecond, Format.nanos(this.p50), Format.nanos(this.p99), Format.nanos(this.max),
					this.answered, this.errors);
		}

	}

	private record Row(Database database, Mode mode, Load load, @Nullable CacheStats cache) {

		/**
		 * The share of measured reads answered from Redis (the cache's hits less the near cache's), or
		 * a dash with the cache off.
		 */
		String fromRedis() {
			CacheStats stats = this.cache;
			if (stats == null || this.load.answered() == 0) {
				return "—";
			}
			if (this.mode == Mode.NEAR && stats.nearHits() < 0) {
				return "n/a";
			}
			long fromRedis = stats.hits() - Math.max(0, stats.nearHits());
			return String.format(Locale.ROOT, "%.1f %%", 100.0 * fromRedis / this.load.answered());
		}

		/** The share of measured reads the near cache answered from memory, or a dash without it. */
		String fromMemory() {
			CacheStats stats = this.cache;
			if (this.mode != Mode.NEAR || stats == null || this.load.answered() == 0) {
				return "—";
			}
			if (stats.nearHits() < 0) {
				return "n/a";
			}
			return String.format(Locale.ROOT, "%.1f %%", 100.0 * stats.nearHits() / this.load.answered());
		}

	}

	/**
	 * Counters of {@code GET /cache/stats}: reads answered by the cache (from Redis or, with the near
	 * cache, from memory), reads that found nothing, and cache calls that failed (timed out or
	 * skipped while the circuit was open); and from the meters, how often the circuit opened, how
	 * many replies came after their call had stopped waiting, and the near cache's hits
	 * ({@code ordercache.near.reads}, result hit; -1 without the near cache or its meters).
	 */
	private record CacheStats(long hits, long misses, long failures, long openings, long lateReplies, long nearHits) {

		static CacheStats of(HttpClient client, URI base, boolean near) {
			HttpRequest request = HttpRequest.newBuilder(base.resolve("/cache/stats"))
				.timeout(Duration.ofSeconds(10))
				.build();
			try {
				HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
				if (response.statusCode() != 200) {
					throw new IllegalStateException("GET /cache/stats answered " + response.statusCode());
				}
				JsonNode stats = Orders.MAPPER.readTree(response.body());
				Long nearHits = near ? optionalMeter(client, base, "ordercache.near.reads?tag=result:hit") : null;
				return new CacheStats(stats.path("hits").asLong(), stats.path("misses").asLong(),
						stats.path("failures").asLong(), meter(client, base, "ordercache.circuit.openings"),
						meter(client, base, "ordercache.redis.replies.late"), (nearHits != null) ? nearHits : -1);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}

		/** A counter's value from {@code /actuator/metrics}. */
		private static long meter(HttpClient client, URI base, String name) throws IOException, InterruptedException {
			Long value = optionalMeter(client, base, name);
			if (value == null) {
				throw new IllegalStateException("GET /actuator/metrics/" + name + " answered 404");
			}
			return value;
		}

		/**
		 * A meter's value from {@code /actuator/metrics}, or {@code null} if the app has no such meter.
		 * @param name the meter's name, with a query of tags if need be
		 */
		static @Nullable Long optionalMeter(HttpClient client, URI base, String name)
				throws IOException, InterruptedException {
			HttpRequest request = HttpRequest.newBuilder(base.resolve("/actuator/metrics/" + name))
				.timeout(Duration.ofSeconds(10))
				.build();
			HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
			if (response.statusCode() == 404) {
				return null;
			}
			if (response.statusCode() != 200) {
				throw new IllegalStateException("GET /actuator/metrics/" + name + " answered " + response.statusCode());
			}
			return (long) Orders.MAPPER.readTree(response.body()).path("measurements").path(0).path("value").asDouble();
		}

		CacheStats minus(CacheStats earlier) {
			return new CacheStats(this.hits - earlier.hits, this.misses - earlier.misses,
					this.failures - earlier.failures, this.openings - earlier.openings,
					this.lateReplies - earlier.lateReplies,
					(this.nearHits < 0 || earlier.nearHits < 0) ? -1 : this.nearHits - earlier.nearHits);
		}

		@Override
		public String toString() {
			return this.hits + " hits" + ((this.nearHits >= 0) ? " (" + this.nearHits + " from memory)" : "") + ", "
					+ this.misses + " misses, " + this.failures + " failures, " + this.openings + " circuit openings, "
					+ this.lateReplies + " late replies";
		}

	}

	/** How the sample app runs: ordercache as configured, no cache, ordercache with its near cache. */
	private enum Mode {

		ON("cache on", "on", "cache-on"),

		OFF("cache off", "off (database only)", "cache-off"),

		NEAR("near cache on", "near cache on", "near-cache-on");

		/** In the log. */
		private final String name;

		/** In the table's cache column. */
		private final String label;

		/** In the app's log file name. */
		private final String file;

		Mode(String name, String label, String file) {
			this.name = name;
			this.label = label;
			this.file = file;
		}

	}

	/** The databases the sample app runs on here. */
	private enum Database {

		H2("H2 (in memory, in the app's JVM)"),

		POSTGRESQL("PostgreSQL (127.0.0.1:5432)");

		private final String label;

		Database(String label) {
			this.label = label;
		}

		/** Why the database cannot be used now, or {@code null} if it can. */
		@Nullable String unavailable() {
			if (this == H2) {
				return null;
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", 5432), 1000);
			}
			catch (IOException ex) {
				return "nothing accepted a connection on 127.0.0.1:5432 within 1 s (" + ex.getMessage() + ")";
			}
			try (Connection connection = DriverManager.getConnection(POSTGRES_URL, "postgres", "")) {
				return connection.isValid(1) ? null : "the connection to " + POSTGRES_URL + " was not valid";
			}
			catch (SQLException ex) {
				return "could not connect to " + POSTGRES_URL + " as postgres (" + ex.getMessage() + ")";
			}
		}

	}

	private static Section section(String title, boolean besideHog, List<Row> rows, List<String> skipped, int orders,
			Duration warmUp, Duration measure) {
		StringBuilder markdown = new StringBuilder();
		if (besideHog) {
			markdown.append(String.format(Locale.ROOT,
					"Benchmark 6 again, with other work on the machine: a JVM of its own runs %d busy threads "
							+ "(one per core, same priority) for the whole run, so that Redis, the app, the database "
							+ "and the load generator all get the cores late, as on a crowded host. A cache that "
							+ "takes late replies for a dead Redis times out, opens its circuit and sends every "
							+ "read to the database after paying its timeout: slower than no cache. The adaptive "
							+ "command timeout (`ordercache.resilience.command-timeout` 50 ms as its floor, "
							+ "`command-timeout-ceiling` 500 ms) waits twice the slowest recent reply instead, and a "
							+ "reply that comes after its call stopped waiting but within the ceiling counts as an "
							+ "answer, not a failure. \"late replies\" counts those; \"circuit openings\" how often "
							+ "the circuit opened while measuring (goal 0: Redis was healthy).%n%n",
					CpuHog.threads()));
		}
		markdown.append(String.format(Locale.ROOT,
				"The sample app's executable jar runs as a JVM of its own (`-Xmx512m`, Tomcat's and Hikari's "
						+ "defaults), once with ordercache on, once with `--ordercache.enabled=false` (database "
						+ "only) and once with `--ordercache.near-cache.enabled=true` (ordercache with its near "
						+ "cache, the near cache's defaults) per database, with %,d orders created in one period by "
						+ "`POST /create`. A Java "
						+ "`HttpClient` load generator in the suite's JVM sends `GET /orders/{period}/{orderNo}` for "
						+ "random orders of that period over loopback from %d connections in a closed loop (the "
						+ "next request when the previous one is answered): %d s of warm-up, then %d s measured "
						+ "with every latency recorded. Everything runs on one machine with 2 cores shared by the "
						+ "load generator, the app, Redis and the database, so the figures are the whole stack's, "
						+ "not the cache's alone. Errors are answers other than 200 and failed requests; "
						+ "\"answered from Redis\" is the share of measured GETs that were cache hits read from "
						+ "Redis, \"answered from memory\" the share the near cache answered (its meter "
						+ "`ordercache.near.reads`, result hit); the rest went to the database because a Redis "
						+ "call timed out or the circuit was open. With the near cache on, each order is read "
						+ "from Redis once, by the warm-up, and again after `ordercache.near-cache.maximum-age` "
						+ "(60 s); the run checks that the period is watched (`!n`) after the warm-up.%n%n",
				orders, CONNECTIONS, warmUp.toSeconds(), measure.toSeconds()));
		markdown.append("| database | cache | requests/s | p50 | p99 | max | errors | answered from Redis"
				+ " | answered from memory | circuit openings | late replies |\n");
		markdown.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Row row : rows) {
			Load load = row.load();
			CacheStats cache = row.cache();
			markdown.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %s | %s | %s | %d | %s | %s | %s | %s |%n",
					row.database().label, row.mode().label, load.requestsPerSecond(), Format.nanos(load.p50()),
					Format.nanos(load.p99()), Format.nanos(load.max()), load.errors(), row.fromRedis(),
					row.fromMemory(), (cache != null) ? Long.toString(cache.openings()) : "—",
					(cache != null) ? Long.toString(cache.lateReplies()) : "—"));
		}
		markdown.append('\n');
		List<Section.Target> targets = new ArrayList<>();
		for (Database database : Database.values()) {
			Load on = find(rows, database, Mode.ON);
			Load off = find(rows, database, Mode.OFF);
			Load near = find(rows, database, Mode.NEAR);
			if (off == null || off.requestsPerSecond() == 0 || off.p99() == 0) {
				continue;
			}
			if (on != null) {
				// Both on / off: above 1 is more requests/s with the cache, below 1 a lower p99.
				double throughput = on.requestsPerSecond() / off.requestsPerSecond();
				double p99 = (double) on.p99() / off.p99();
				String measured = String.format(Locale.ROOT, "%.2f× requests/s, p99 %.2f×", throughput, p99);
				markdown.append(String.format(Locale.ROOT, "- %s, cache on / cache off: %s (p99 %s on, %s off)%n",
						database.label, measured, Format.nanos(on.p99()), Format.nanos(off.p99())));
				if (besideHog && database == Database.POSTGRESQL) {
					// The target: with other work on the machine, the cache on is never slower than off.
					targets.add(new Section.Target("7. HTTP GET one order beside a CPU hog, " + database.label
							+ ", cache on / off", "≥ 1.00× requests/s", measured, on.errors() == 0 && throughput >= 1.0));
				}
				else {
					targets.add(new Section.Target(title.substring(0, 2) + " HTTP GET one order, " + database.label
							+ (besideHog ? " beside a CPU hog" : "") + ", cache on / off", Section.Target.NONE, measured,
							on.errors() == 0));
				}
			}
			if (near != null) {
				double throughput = near.requestsPerSecond() / off.requestsPerSecond();
				double p99 = (double) near.p99() / off.p99();
				String measured = String.format(Locale.ROOT, "%.2f× requests/s, p99 %.2f×", throughput, p99);
				markdown.append(String.format(Locale.ROOT, "- %s, near cache on / cache off: %s (p99 %s near, %s off)",
						database.label, measured, Format.nanos(near.p99()), Format.nanos(off.p99())));
				if (on != null && on.requestsPerSecond() > 0 && on.p99() > 0) {
					markdown.append(String.format(Locale.ROOT, "; near cache on / cache on: %.2f× requests/s, p99 %.2f×",
							near.requestsPerSecond() / on.requestsPerSecond(), (double) near.p99() / on.p99()));
				}
				markdown.append('\n');
				if (besideHog) {
					targets.add(new Section.Target("7. HTTP GET one order beside a CPU hog, " + database.label
							+ ", near cache on / off", Section.Target.NONE, measured, near.errors() == 0));
				}
				else {
					// The targets: against a database over the network the near cache at least
					// doubles the rate; against H2 in the app's own JVM it is at least no slower.
					double goal = (database == Database.POSTGRESQL) ? 2.0 : 1.0;
					targets.add(new Section.Target("6. HTTP GET one order, " + database.label + ", near cache on / off",
							String.format(Locale.ROOT, "≥ %.2f× requests/s", goal), measured,
							near.errors() == 0 && throughput >= goal));
				}
			}
		}
		for (String line : skipped) {
			markdown.append("- ").append(line).append('\n');
		}
		return new Section(title, markdown.toString(), targets);
	}

	private static @Nullable Load find(List<Row> rows, Database database, Mode mode) {
		return rows.stream()
			.filter((row) -> row.database() == database && row.mode() == mode)
			.map(Row::load)
			.findFirst()
			.orElse(null);
	}

	/** SIGTERM first, for a clean shutdown; then forcibly. */
	private static void stop(Process app) {
		app.destroy();
		try {
			if (!app.waitFor(15, TimeUnit.SECONDS)) {
				app.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			app.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private static void postgres(String sql) {
		try (Connection connection = DriverManager.getConnection(POSTGRES_URL, "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "' on " + POSTGRES_URL, ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static String tail(Path log) {
		try {
			List<String> lines = Files.readAllLines(log);
			return lines.subList(Math.max(0, lines.size() - 40), lines.size())
				.stream()
				.collect(Collectors.joining("\n"));
		}
		catch (IOException ex) {
			return "(could not read " + log + ": " + ex.getMessage() + ")";
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
