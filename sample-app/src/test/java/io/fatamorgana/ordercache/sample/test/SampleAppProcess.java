package io.fatamorgana.ordercache.sample.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.fatamorgana.ordercache.sample.SampleApplication;
import io.fatamorgana.ordercache.test.DiesWithParent;

import static org.awaitility.Awaitility.await;

/**
 * The sample app in a JVM of its own, as one instance of a fleet: started from the classes the
 * tests run on (without the test classes, whose configurations the application would scan), its
 * output in a log file, killed with SIGKILL or stopped by the test. It never outlives the test's JVM.
 */
public final class SampleAppProcess implements AutoCloseable {

	private static final Set<Process> running = ConcurrentHashMap.newKeySet();

	static {
		// Covers a test JVM that exits normally or on SIGTERM; DiesWithParent covers one killed.
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> running.forEach(Process::destroyForcibly), "sample-app-processes"));
	}

	private final String name;

	private final int port;

	private final Path log;

	private final Process process;

	private final Http http;

	private SampleAppProcess(String name, int port, Path log, Process process) {
		this.name = name;
		this.port = port;
		this.log = log;
		this.process = process;
		this.http = new Http(port);
	}

	/**
	 * Starts an instance; {@link #awaitReady} waits until it answers.
	 * @param name the instance's name, for messages and its log file
	 * @param logDirectory where its log file goes
	 * @param properties application properties, given as {@code --name=value} arguments
	 * @return the starting instance
	 */
	public static SampleAppProcess start(String name, Path logDirectory, Map<String, String> properties) {
		try {
			int port = freePort();
			Files.createDirectories(logDirectory);
			Path log = logDirectory.resolve(name + ".log");
			List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC",
					"-XX:TieredStopAtLevel=1", "-cp", classPath(), DiesWithParent.class.getName(),
					SampleApplication.class.getName(), "--server.port=" + port));
			properties.forEach((property, value) -> command.add("--" + property + "=" + value));
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			running.add(process);
			return new SampleAppProcess(name, port, log, process);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the sample app '" + name + "'", ex);
		}
	}

	/**
	 * Waits until {@code /actuator/health} answers 200.
	 * @param timeout how long startup may take
	 */
	public void awaitReady(Duration timeout) {
		await(this.name + " answering /actuator/health").atMost(timeout)
			.pollInterval(Duration.ofMillis(250))
			.failFast(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException(this.name + " exited with " + this.process.exitValue() + ":\n"
							+ logTail());
				}
			})
			.ignoreExceptions()
			.until(() -> this.http.get("/actuator/health").status() == 200);
	}

	public String name() {
		return this.name;
	}

	public int port() {
		return this.port;
	}

	public Http http() {
		return this.http;
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Kills the instance with SIGKILL, as the operating system or an orchestrator does: no shutdown
	 * hook, no last replay, nothing flushed.
	 * @return the exit code, 137 on Linux
	 */
	public int kill() {
		this.process.destroyForcibly();
		return waitFor();
	}

	/** Freezes the instance with SIGSTOP, as a long pause would: nothing it runs moves on. */
	public void freeze() {
		signal("STOP");
	}

	/** Resumes an instance frozen by {@link #freeze()}. */
	public void thaw() {
		signal("CONT");
	}

	/** Stops the instance (SIGTERM, then SIGKILL after 30 s) if it still runs. */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.destroy();
			try {
				if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.process.destroyForcibly();
			}
		}
		waitFor();
	}

	/** The last lines of the instance's log, for a failure message. */
	public String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	@Override
	public String toString() {
		return this.name + " (port " + this.port + ", pid " + this.process.pid() + ", log " + this.log + ")";
	}

	private int waitFor() {
		try {
			int exit = this.process.waitFor();
			running.remove(this.process);
			return exit;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for " + this.name + " to exit", ex);
		}
	}

	private void signal(String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(this.process.pid())).inheritIO().start();
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -" + signal + " failed for " + this);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while signalling " + this, ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	// The test JVM's class path without the test classes: the application scans its package, and
	// would pick up the tests' own configurations there.
	private static String classPath() {
		Path testClasses = testClasses();
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.isEmpty() && !Path.of(entry).toAbsolutePath().equals(testClasses))
			.reduce((left, right) -> left + File.pathSeparator + right)
			.orElseThrow();
	}

	private static Path testClasses() {
		try {
			return Path.of(SampleAppProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI())
				.toAbsolutePath();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
