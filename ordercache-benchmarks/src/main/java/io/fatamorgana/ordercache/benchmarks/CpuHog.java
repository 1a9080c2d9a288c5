package io.fatamorgana.ordercache.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Other work on the machine, for benchmark 7: a JVM of its own with one busy thread per core, at the
 * same priority as everything else, until it is stopped. Its main method is the hog; the rest
 * starts and stops it from the suite.
 */
final class CpuHog implements AutoCloseable {

	private final Process process;

	private final Thread killer;

	private CpuHog(Process process) {
		this.process = process;
		// Should the suite be interrupted (Ctrl-C), the hog must not outlive it.
		this.killer = new Thread(process::destroyForcibly);
		Runtime.getRuntime().addShutdownHook(this.killer);
	}

	/**
	 * Starts a hog with one busy thread per core.
	 * @return the running hog
	 */
	static CpuHog start() {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		int threads = Runtime.getRuntime().availableProcessors();
		try {
			Process process = new ProcessBuilder(List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
					CpuHog.class.getName(), Integer.toString(threads)))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			return new CpuHog(process);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the CPU hog", ex);
		}
	}

	/** How many busy threads the hog runs. */
	static int threads() {
		return Runtime.getRuntime().availableProcessors();
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
	 * Spins the given number of threads until killed.
	 * @param args the number of threads
	 */
	public static void main(String[] args) {
		int threads = Integer.parseInt(args[0]);
		for (int i = 0; i < threads; i++) {
			Thread spinner = new Thread(CpuHog::spin, "hog-" + i);
			spinner.start();
		}
	}

	private static void spin() {
		long x = System.nanoTime();
		while (x != 42) {
			// xorshift: work the JIT cannot remove, on no memory.
			x ^= x << 13;
			x ^= x >>> 7;
			x ^= x << 17;
		}
		// Never reached in practice; using x keeps the loop from being optimised away.
		System.out.println(x);
	}

}
