package io.fatamorgana.ordercache.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * What the Redis process helpers share: free ports, starting a process and waiting until it
 * answers, waiting for a condition, removing a working directory.
 */
final class ProcessSupport {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private static final Duration POLL = Duration.ofMillis(20);

	private ProcessSupport() {
	}

	/**
	 * A port of 127.0.0.1 that nothing listens on now.
	 * @return the port
	 */
	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
	}

	/**
	 * Starts a process whose output goes to a log file.
	 * @param command the command line
	 * @param log the log file
	 * @return the process
	 */
	static Process start(List<String> command, Path log) throws IOException {
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
	}

	/**
	 * Waits until a started server answers a probe, or gives up when the process died or took too
	 * long, killing it and reporting its log.
	 * @param process the server's process
	 * @param log its log file
	 * @param port its port, for the message
	 * @param probe throws until the server answers, then returns what the caller keeps
	 * @param <T> what the probe returns
	 * @return the probe's result
	 */
	static <T> T awaitAnswer(Process process, Path log, int port, Supplier<T> probe) throws IOException {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (true) {
			try {
				return probe.get();
			}
			catch (RuntimeException ex) {
				if (!process.isAlive() || System.nanoTime() > deadline) {
					process.destroyForcibly();
					throw new IOException("redis-server did not start on port " + port + ": "
							+ Files.readString(log, StandardCharsets.UTF_8), ex);
				}
				pause();
			}
		}
	}

	/**
	 * Waits until a condition holds; exceptions while checking count as "not yet".
	 * @param description what is awaited, for the message
	 * @param timeout how long to wait
	 * @param condition the condition
	 */
	static void await(String description, Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		RuntimeException last = null;
		while (System.nanoTime() < deadline) {
			try {
				if (condition.getAsBoolean()) {
					return;
				}
			}
			catch (RuntimeException ex) {
				last = ex;
			}
			pause();
		}
		throw new IllegalStateException("Timed out waiting for " + description, last);
	}

	/**
	 * Removes a directory and everything in it, as far as possible.
	 * @param directory the directory
	 */
	static void deleteRecursively(@Nullable Path directory) {
		if (directory == null) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// A temporary directory left behind is not worth failing a test for.
		}
	}

	private static void pause() {
		try {
			Thread.sleep(POLL.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for Redis", ex);
		}
	}

}
