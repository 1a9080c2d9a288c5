package io.fatamorgana.ordercache.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.LoggerFactory;

/**
 * The other JVM of benchmark 8: subscribes to the near cache's channel with plain Lettuce and notes
 * {@link System#nanoTime()} the moment each message other than a heartbeat arrives, before doing
 * anything else with it. Its main method is the listener, run as
 * {@code java -cp <the suite's classpath> InvalidationListener <redis url> <channel> <file>}: it prints
 * {@value #SUBSCRIBED} once Redis confirmed the subscription, and when its standard input ends (the
 * suite says stop, or went away) writes {@code <nanos> <message>} per message to the file and
 * exits. The rest starts and stops it from the suite.
 */
final class InvalidationListener implements AutoCloseable {

	/** The line the listener prints once subscribed. */
	static final String SUBSCRIBED = "subscribed";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private final Process process;

	private final Path arrivals;

	private final Thread killer;

	private InvalidationListener(Process process, Path arrivals) {
		this.process = process;
		this.arrivals = arrivals;
		// Should the suite be interrupted (Ctrl-C), the listener must not outlive it.
		this.killer = new Thread(process::destroyForcibly);
		Runtime.getRuntime().addShutdownHook(this.killer);
	}

	/**
	 * Starts a listener and waits until it is subscribed.
	 * @param redisUrl the Redis
	 * @param channel the channel to listen to
	 * @param arrivals where it writes what arrived when
	 * @param log where its own output other than the handshake goes
	 * @return the subscribed listener
	 */
	static InvalidationListener start(String redisUrl, String channel, Path arrivals, Path log) {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process;
		try {
			Files.deleteIfExists(arrivals);
			process = new ProcessBuilder(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
					InvalidationListener.class.getName(), redisUrl, channel, arrivals.toString()))
				.redirectError(ProcessBuilder.Redirect.to(log.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the listening JVM", ex);
		}
		InvalidationListener listener = new InvalidationListener(process, arrivals);
		// The handshake line is read on a thread of its own, so that a listener that hangs cannot hang the suite.
		List<String> lines = new ArrayList<>();
		Thread reader = new Thread(() -> {
			try {
				BufferedReader out = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
				String line = out.readLine();
				synchronized (lines) {
					lines.add((line != null) ? line : "(end of output)");
				}
			}
			catch (IOException ex) {
				synchronized (lines) {
					lines.add("(unreadable output: " + ex + ")");
				}
			}
		}, "invalidation-listener-handshake");
		reader.setDaemon(true);
		reader.start();
		try {
			reader.join(START_TIMEOUT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		String first;
		synchronized (lines) {
			first = lines.isEmpty() ? null : lines.get(0);
		}
		if (!SUBSCRIBED.equals(first)) {
			listener.close();
			throw new IllegalStateException("The listening JVM did not subscribe within " + START_TIMEOUT.toSeconds()
					+ " s (it said: " + first + "; log " + log + ")");
		}
		return listener;
	}

	/**
	 * Tells the listener to stop (ends its standard input) and reads what arrived.
	 * @return every message but heartbeats, with its arrival time, in the order of arrival
	 */
	List<Arrival> stop() {
		try {
			this.process.getOutputStream().close();
			if (!this.process.waitFor(30, TimeUnit.SECONDS) || this.process.exitValue() != 0) {
				throw new IllegalStateException("The listening JVM did not stop cleanly within 30 s");
			}
			List<Arrival> arrived = new ArrayList<>();
			for (String line : Files.readAllLines(this.arrivals, StandardCharsets.UTF_8)) {
				int space = line.indexOf(' ');
				arrived.add(new Arrival(Long.parseLong(line.substring(0, space)), line.substring(space + 1)));
			}
			return arrived;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + this.arrivals, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.killer);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down: the hook runs anyway.
		}
	}

	/**
	 * A message and when it arrived.
	 * @param nanos the listener's {@link System#nanoTime()} when Lettuce handed it over
	 * @param message the message as published
	 */
	record Arrival(long nanos, String message) {
	}

	/**
	 * Listens until standard input ends, then writes what arrived.
	 * @param args the Redis URL, the channel, the file to write
	 * @throws IOException if the file cannot be written
	 */
	public static void main(String[] args) throws IOException {
		// Without a configuration Logback logs at DEBUG, and Lettuce logs every message it decodes at
		// DEBUG on the very thread whose arrival times are measured.
		if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
			root.setLevel(Level.WARN);
		}
		Queue<Arrival> arrived = new ConcurrentLinkedQueue<>();
		RedisClient client = RedisClient.create(args[0]);
		StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
		connection.addListener(new RedisPubSubAdapter<>() {

			@Override
			public void message(String channel, String message) {
				// First thing: the time is the point of this JVM.
				long now = System.nanoTime();
				if (!message.startsWith("h ")) {
					arrived.add(new Arrival(now, message));
				}
			}

		});
		// Returns once Redis confirmed the subscription: from then on every message is delivered.
		connection.sync().subscribe(args[1]);
		System.out.println(SUBSCRIBED);
		System.out.flush();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		while (in.readLine() != null) {
			// Nothing is sent; the end of the input is the signal.
		}
		connection.close();
		client.shutdown(0, 2, TimeUnit.SECONDS);
		try (Writer out = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
			for (Arrival arrival : arrived) {
				out.write(arrival.nanos() + " " + arrival.message() + "\n");
			}
		}
		// The suite waits for the exit: no thread left behind may keep this JVM alive.
		System.exit(0);
	}

}
