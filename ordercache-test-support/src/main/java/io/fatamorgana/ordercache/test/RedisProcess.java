package io.fatamorgana.ordercache.test;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A {@code redis-server} process owned by one test: started on a free loopback port, and stopped,
 * killed, frozen or restarted on the same port by that test only. Uses the {@code redis-server} on
 * {@code PATH}, else the binary shipped in {@code com.github.codemonstur:embedded-redis}.
 */
public final class RedisProcess implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisProcess.class);

	private final File executable;

	private final int port;

	private final Path logFile;

	private final boolean persistent;

	private @Nullable Process process;

	private RedisProcess(File executable, int port, boolean persistent) throws IOException {
		this.executable = executable;
		this.port = port;
		this.persistent = persistent;
		this.logFile = Files.createTempDirectory("ordercache-redis-" + port + "-").resolve("redis.log");
	}

	/**
	 * Starts a new Redis server on a free port of 127.0.0.1, without persistence.
	 * @return the running process
	 */
	public static RedisProcess start() {
		try {
			return start(executable());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find redis-server", ex);
		}
	}

	/**
	 * Starts a new Redis server from a given binary on a free port of 127.0.0.1.
	 * @param executable the redis-server binary
	 * @return the running process
	 */
	public static RedisProcess start(File executable) {
		return start(executable, false);
	}

	/**
	 * Starts a new Redis server that writes every command to an append-only file before answering
	 * it, so that its data survives {@link #kill()} and {@link #restart()}, as a production Redis with
	 * persistence would.
	 * @return the running process
	 */
	public static RedisProcess startPersistent() {
		try {
			return start(executable(), true);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find redis-server", ex);
		}
	}

	private static RedisProcess start(File executable, boolean persistent) {
		try {
			RedisProcess redis = new RedisProcess(executable, ProcessSupport.freePort(), persistent);
			redis.startProcess();
			return redis;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start redis-server", ex);
		}
	}

	/**
	 * Tells which binary {@link #start()} would run.
	 * @return the path of the redis-server binary
	 */
	public static File executable() throws IOException {
		try {
			return ExecutableProvider.newExecutableInPath("redis-server").get();
		}
		catch (FileNotFoundException ex) {
			return embeddedExecutable();
		}
	}

	/**
	 * The redis-server binary shipped in {@code com.github.codemonstur:embedded-redis}, for machines
	 * without one on {@code PATH}.
	 * @return the extracted binary
	 */
	public static File embeddedExecutable() throws IOException {
		File embedded = ExecutableProvider.newJarResourceProvider().get();
		if (!embedded.canExecute() && !embedded.setExecutable(true)) {
			throw new IOException("Cannot make the embedded redis-server executable: " + embedded);
		}
		return embedded;
	}

	/** The port the server listens on; it stays the same across restarts. */
	public int port() {
		return this.port;
	}

	/** The URL to connect to, {@code redis://127.0.0.1:port}. */
	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	/** The operating system process id of the running server. */
	public long pid() {
		return runningProcess().pid();
	}

	/** Whether the server process is alive. */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/** Stops the server with SIGTERM and waits for it to exit. */
	public void stop() {
		terminate(false);
	}

	/** Kills the server with SIGKILL and waits for it to exit. */
	public void kill() {
		terminate(true);
	}

	/** Freezes the server with SIGSTOP: the port stays open but nothing is answered. */
	public void freeze() {
		signal("STOP");
	}

	/** Resumes a server frozen by {@link #freeze()}. */
	public void thaw() {
		signal("CONT");
	}

	/** Starts the server again on the same port after {@link #stop()} or {@link #kill()}. */
	public void restart() {
		if (isRunning()) {
			throw new IllegalStateException("Redis on port " + this.port + " is still running");
		}
		try {
			startProcess();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not restart redis-server on port " + this.port, ex);
		}
	}

	@Override
	public void close() {
		if (isRunning()) {
			thaw();
			kill();
		}
	}

	private void startProcess() throws IOException {
		List<String> command = List.of(this.executable.getAbsolutePath(), "--port", String.valueOf(this.port),
				"--bind", "127.0.0.1", "--save", "", "--appendonly", this.persistent ? "yes" : "no",
				"--appendfsync", "always", "--daemonize", "no", "--dir", this.logFile.getParent().toString());
		Process started = ProcessSupport.start(command, this.logFile);
		this.process = started;
		ProcessSupport.awaitAnswer(started, this.logFile, this.port, () -> {
			if (!answersPing()) {
				throw new IllegalStateException("no PONG yet");
			}
			return started;
		});
		logger.info("Started redis-server {} on port {} (pid {})", this.executable, this.port, started.pid());
	}

	private boolean answersPing() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			socket.setSoTimeout(500);
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			byte[] reply = new byte[7];
			int read = socket.getInputStream().read(reply);
			return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void terminate(boolean forcibly) {
		Process current = runningProcess();
		if (forcibly) {
			current.destroyForcibly();
		}
		else {
			current.destroy();
		}
		try {
			if (!current.waitFor(10, TimeUnit.SECONDS)) {
				current.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void signal(String name) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).inheritIO().start();
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -" + name + " failed for redis-server pid " + pid());
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

	private Process runningProcess() {
		Process current = this.process;
		if (current == null) {
			throw new IllegalStateException("Redis on port " + this.port + " was never started");
		}
		return current;
	}

}
