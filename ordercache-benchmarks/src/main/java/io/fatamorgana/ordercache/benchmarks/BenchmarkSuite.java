package io.fatamorgana.ordercache.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.fatamorgana.ordercache.test.RedisProcess;
import org.jspecify.annotations.Nullable;

/**
 * Runs every benchmark and writes the report: {@code bench/run.sh [--quick] [--output file]}.
 * <p>
 * Uses the Redis of {@code BENCH_REDIS_URL} when set, else starts its own redis-server on a free
 * port. Text of the existing report below {@value #KEPT_MARKER} (the hand-written history of
 * optimizations) is kept.
 */
public final class BenchmarkSuite {

	static final String KEPT_MARKER = "<!-- Written by hand below this line; bench/run.sh keeps it. -->";

	private BenchmarkSuite() {
	}

	/**
	 * Runs the suite.
	 * @param args {@code --quick}, {@code --output <file>}, {@code --sample-app-jar <jar>}, {@code --only 2,6,8}
	 *     (some benchmarks only, 1 to 8)
	 * @throws Exception if the report cannot be written
	 */
	public static void main(String[] args) throws Exception {
		boolean quick = List.of(args).contains("--quick");
		Path output = Path.of(option(args, "--output", quick ? "ordercache-benchmarks/target/benchmarks-quick.md"
				: "docs/benchmarks.md"));
		String jar = option(args, "--sample-app-jar", null);
		Path work = Files.createDirectories(Path.of("ordercache-benchmarks/target/bench-work"));
		long started = System.nanoTime();
		String redisUrl = System.getenv("BENCH_REDIS_URL");
		RedisProcess ownRedis = null;
		if (redisUrl == null || redisUrl.isBlank()) {
			ownRedis = RedisProcess.start();
			redisUrl = ownRedis.url();
			System.out.println("== Started redis-server on " + redisUrl);
		}
		try (BenchRedis redis = new BenchRedis(redisUrl)) {
			BenchSettings settings = new BenchSettings(quick, redisUrl, (jar != null) ? Path.of(jar) : null, work);
			List<String> only = List.of(option(args, "--only", "1,2,3,4,5,6,7,8").split(","));
			Map<String, Callable<Section>> benchmarks = new LinkedHashMap<>();
			benchmarks.put("1. Batch write of 10,000 orders", () -> SuiteSections.batchWrite(settings));
			benchmarks.put("2. Cache hit", () -> SuiteSections.readHit(settings));
			benchmarks.put("3. Aspect overhead without Redis", () -> SuiteSections.aspectOverhead(settings));
			benchmarks.put("4. Redis down and frozen", () -> RedisOutageBenchmark.run(settings));
			benchmarks.put("5. Period read", () -> SuiteSections.periodRead(settings));
			benchmarks.put("6. Sample app over HTTP", () -> HttpLoadBenchmark.run(settings));
			benchmarks.put("7. Sample app over HTTP beside a CPU hog", () -> HttpLoadBenchmark.runBesideCpuHog(settings));
			benchmarks.put("8. Invalidation delivered to another JVM", () -> InvalidationDeliveryBenchmark.run(settings));
			List<Section> sections = new ArrayList<>();
			benchmarks.forEach((title, benchmark) -> {
				if (only.contains(title.substring(0, title.indexOf('.')))) {
					sections.add(attempt(title, benchmark));
				}
			});
			redis.deleteKeys(BenchApplication.KEY_PREFIX);
			redis.deleteKeys(BenchApplication.SPRING_CACHE);
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			String report = report(settings, sections, redis.version(), ownRedis != null, took, kept(output));
			Files.createDirectories(output.toAbsolutePath().getParent());
			Files.writeString(output, report, StandardCharsets.UTF_8);
			System.out.println("== Wrote " + output + " in " + took.toMinutes() + " min " + took.toSecondsPart() + " s");
		}
		finally {
			if (ownRedis != null) {
				ownRedis.close();
			}
		}
	}

	private static Section attempt(String title, Callable<Section> benchmark) {
		System.out.println("== " + title);
		try {
			return benchmark.call();
		}
		catch (Exception ex) {
			ex.printStackTrace();
			return new Section(title, "**Failed in this run:** `" + ex + "`\n", List.of(
					new Section.Target(title, "runs", "failed: " + ex.getClass().getSimpleName(), false)));
		}
	}

	private static String report(BenchSettings settings, List<Section> sections, String redisVersion,
			boolean ownRedis, Duration took, @Nullable String kept) {
		StringBuilder out = new StringBuilder();
		out.append("# Benchmarks\n\n");
		out.append("Written by `bench/run.sh").append(settings.quick() ? " --quick" : "")
			.append("` on ")
			.append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
			.append(" in ")
			.append(took.toMinutes()).append(" min ").append(took.toSecondsPart()).append(" s")
			.append(settings.quick() ? " (**quick run**: few and short iterations, figures are rough)" : "")
			.append(". Every ratio compares figures of this one run.\n\n");
		out.append("| machine | |\n|---|---|\n");
		out.append("| CPU | ").append(cpu()).append(", ").append(Runtime.getRuntime().availableProcessors())
			.append(" cores available |\n");
		out.append("| memory | ").append(memory()).append(" |\n");
		out.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
			.append(" |\n");
		out.append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ')
			.append(System.getProperty("java.runtime.version")).append(" |\n");
		out.append("| Redis | ").append(redisVersion)
			.append(ownRedis ? ", started by the run on a free port, loopback" : ", `BENCH_REDIS_URL`").append(" |\n");
		out.append("| JMH | 1.37, 1 fork per benchmark, ").append(settings.pick(1, 3)).append(" × ")
			.append(settings.pick(1, 3)).append(" s warm-up, ").append(settings.pick(2, 5)).append(" × ")
			.append(settings.pick(1, 3)).append(" s measurement, `-Xmx1g`; ± is JMH's 99.9% error |\n\n");
		out.append("Everything runs on this one machine: the benchmark JVM, Redis (and for benchmarks 6 and 7 the ")
			.append("sample app, its database and the load generator, for benchmark 8 the listening JVM) share its ")
			.append("cores.\n\n");
		out.append("## Targets\n\n| benchmark | target | measured | met |\n|---|---|---|---|\n");
		for (Section section : sections) {
			for (Section.Target target : section.targets()) {
				out.append("| ").append(target.benchmark()).append(" | ").append(target.goal()).append(" | ")
					.append(target.measured()).append(" | ").append(met(target)).append(" |\n");
			}
		}
		out.append('\n');
		for (Section section : sections) {
			out.append("## ").append(section.title()).append("\n\n").append(section.markdown().strip()).append("\n\n");
		}
		out.append("## Run it\n\n```bash\nbench/run.sh            # every benchmark, ~22 min on 2 cores: writes docs/benchmarks.md\n")
			.append("bench/run.sh --quick    # the same, short iterations, < 8 min: writes ")
			.append("ordercache-benchmarks/target/benchmarks-quick.md\n")
			.append("BENCH_REDIS_URL=redis://host:6379 bench/run.sh   # on another Redis (keys ocbench_*, removed after)\n")
			.append("```\n\n");
		out.append(KEPT_MARKER).append('\n');
		if (kept != null) {
			out.append(kept);
		}
		return out.toString();
	}

	private static String met(Section.Target target) {
		if (!target.met()) {
			return "**no**";
		}
		return Section.Target.NONE.equals(target.goal()) ? "—" : "yes";
	}

	private static @Nullable String kept(Path output) throws IOException {
		if (!Files.exists(output)) {
			return null;
		}
		String existing = Files.readString(output, StandardCharsets.UTF_8);
		int marker = existing.indexOf(KEPT_MARKER);
		return (marker >= 0) ? existing.substring(marker + KEPT_MARKER.length() + 1) : null;
	}

	private static String cpu() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse(System.getProperty("os.arch"));
		}
		catch (IOException ex) {
			return System.getProperty("os.arch");
		}
	}

	private static String memory() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return String.format(Locale.ROOT, "%.1f GiB", os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
		}
		return "unknown";
	}

	private static @Nullable String option(String[] args, String name, @Nullable String fallback) {
		for (int i = 0; i + 1 < args.length; i++) {
			if (args[i].equals(name)) {
				return args[i + 1];
			}
		}
		return fallback;
	}

}
