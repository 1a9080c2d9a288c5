package io.fatamorgana.ordercache.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.RunnerException;

import static io.fatamorgana.ordercache.benchmarks.JmhRuns.allocatedBytes;
import static io.fatamorgana.ordercache.benchmarks.JmhRuns.error;
import static io.fatamorgana.ordercache.benchmarks.JmhRuns.score;

/**
 * The report's sections of the JMH benchmarks 1, 2, 3 and 5: runs them, puts each figure next to
 * its peers, works out the ratios and checks them against the targets.
 */
final class SuiteSections {

	private static final Pattern REQUESTS_PER_SECOND = Pattern.compile("([0-9.]+) requests per second");

	private SuiteSections() {
	}

	static Section batchWrite(BenchSettings settings) throws RunnerException {
		Map<String, RunResult> results = JmhRuns.run(BatchWriteBenchmark.class, settings, false);
		double orders = BatchWriteBenchmark.ORDERS;
		double batch = score(results.get("batchCacheOrders"));
		double loop = score(results.get("cacheOrderLoop"));
		double rawEncoded = score(results.get("rawPipelinedHset"));
		double rawWithEncoding = score(results.get("rawPipelinedHsetWithEncoding"));
		double rawMulti = score(results.get("rawPipelinedMultiFieldHsetWithEncoding"));
		String redisBenchmark = redisBenchmark(settings);
		StringBuilder out = new StringBuilder();
		out.append("10,000 seed-shaped orders (about 330 bytes of JSON each) written into one empty period; ")
			.append("the hash is deleted before each operation. ordercache's figures include turning the orders ")
			.append("into JSON and the version/tombstone checks of its Lua script. Rate = orders per second ")
			.append("(higher is better); the ratio is against raw pipelined HSET per order with JSON ")
			.append("encoding included, the figure the target names.\n\n");
		out.append("| writer | time per 10,000 orders | orders/s | vs raw pipelined HSET incl. encoding |\n");
		out.append("|---|---|---|---|\n");
		row(out, "ordercache `batchCacheOrders`", results.get("batchCacheOrders"), orders, rawWithEncoding);
		row(out, "ordercache `cacheOrder` in a loop", results.get("cacheOrderLoop"), orders, rawWithEncoding);
		row(out, "raw Lettuce, pipelined HSET per order, JSON encoded beforehand (the limit)",
				results.get("rawPipelinedHset"), orders, rawWithEncoding);
		row(out, "raw Lettuce, pipelined HSET per order, encoding included", results.get("rawPipelinedHsetWithEncoding"),
				orders, rawWithEncoding);
		row(out, "raw Lettuce, pipelined HSET of 500 orders per command, encoding included",
				results.get("rawPipelinedMultiFieldHsetWithEncoding"), orders, rawWithEncoding);
		out.append("| `redis-benchmark -P 64 -r 10000 HSET` (C client, same JSON, no encoding; reference) | | ")
			.append(redisBenchmark).append(" | |\n\n");
		double versusRaw = rawWithEncoding / batch;
		double versusLoop = loop / batch;
		out.append("- `batchCacheOrders` / raw pipelined incl. encoding: **").append(Format.ratio(versusRaw))
			.append("** the rate; / raw pre-encoded: ").append(Format.ratio(rawEncoded / batch))
			.append("; / raw 500 per command: ").append(Format.ratio(rawMulti / batch)).append('\n');
		out.append("- `batchCacheOrders` / `cacheOrder` loop: **").append(Format.ratio(versusLoop)).append("** the rate\n");
		return new Section("1. Batch write of 10,000 orders into one period", out.toString(), List.of(
				new Section.Target("1. batch vs raw pipelined (incl. encoding)", "≥ 0.50×", Format.ratio(versusRaw),
						versusRaw >= 0.5),
				new Section.Target("1. batch vs `cacheOrder` loop", "≥ 10×", Format.ratio(versusLoop),
						versusLoop >= 10)));
	}

	private static void row(StringBuilder out, String name, RunResult result, double orders, double reference) {
		double millis = score(result);
		out.append("| ").append(name).append(" | ").append(Format.nanos(millis * 1e6)).append(" ± ")
			.append(Format.nanos(error(result) * 1e6)).append(" | ").append(Format.count(orders / millis * 1000))
			.append(" | ").append(Format.ratio(reference / millis)).append(" |\n");
	}

	/**
	 * Runs {@code redis-benchmark} with 64 commands per pipeline, when it is installed.
	 * @return its rate, or why there is none
	 */
	private static String redisBenchmark(BenchSettings settings) {
		URI uri = URI.create(settings.redisUrl());
		List<String> command = new ArrayList<>(List.of("redis-benchmark", "-h", uri.getHost(), "-p",
				Integer.toString((uri.getPort() > 0) ? uri.getPort() : 6379), "-n", "200000", "-P", "64", "-r", "10000",
				"-q"));
		if (uri.getUserInfo() != null) {
			String[] credentials = uri.getUserInfo().split(":", 2);
			if (!credentials[0].isEmpty()) {
				command.addAll(List.of("--user", credentials[0]));
			}
			command.addAll(List.of("-a", credentials[credentials.length - 1]));
		}
		String json = new String(Orders.WRITER.writeValueAsBytes(BenchOrder.of("20241201_806", 1)),
				StandardCharsets.UTF_8);
		command.addAll(List.of("HSET", BenchApplication.KEY_PREFIX + "redis_benchmark", "__rand_int__", json));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
				return "failed: " + output.strip();
			}
			Matcher rate = REQUESTS_PER_SECOND.matcher(output);
			String found = null;
			while (rate.find()) {
				found = rate.group(1);
			}
			return (found != null) ? Format.count(Double.parseDouble(found)) : "unreadable output";
		}
		catch (IOException ex) {
			return "not run (redis-benchmark is not installed)";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	static Section readHit(BenchSettings settings) throws RunnerException {
		Map<String, RunResult> results = JmhRuns.run(ReadHitBenchmark.class, settings, false);
		double ordercache = score(results.get("ordercache"));
		double near = score(results.get("ordercacheNearCache"));
		double spring = score(results.get("springCacheable"));
		double raw = score(results.get("rawHget"));
		double rawSameDecoder = score(results.get("rawHgetSameDecoder"));
		double strictest = Math.min(raw, rawSameDecoder);
		System.out.println("== 2. Cache hit, the readers taking turns");
		InterleavedHits.Result turns = InterleavedHits.run(settings);
		double turnsOrdercache = turns.mean(0);
		double turnsSpring = turns.mean(1);
		double turnsRaw = Math.min(turns.mean(2), turns.mean(3));
		double turnsNear = turns.mean(InterleavedHits.NEAR_CACHE);
		StringBuilder out = new StringBuilder();
		out.append("One order read from Redis and decoded, one thread, the order cached beforehand (a miss fails ")
			.append("the benchmark). `@CachedOrder` and `@Cacheable` (Spring's `RedisCacheManager` with a ")
			.append("`JacksonJsonRedisSerializer` of the same JSON, key `#orderNo`) run on the same Spring Boot ")
			.append("connection factory; raw is Lettuce's blocking `HGET` on a connection of its own, decoded by a ")
			.append("plain Jackson mapper as a user would, and by ordercache's own decoder (which reads ")
			.append("`Instant`s without `DateTimeFormatter`), so that the cache's own cost shows alone. Ratios to ")
			.append("raw use the faster raw row. Lower is better.\n\n");
		out.append("The near cache's reader is `@CachedOrder` in a second application of the same JVM with ")
			.append("`ordercache.near-cache.enabled=true`, reading the same order of the same hash: once the near ")
			.append("cache trusts its channel (subscribed, a heartbeat heard) the order is read once, from Redis, ")
			.append("which puts it in memory; every measured call is then answered from memory and decoded from ")
			.append("the JSON held there. A call the near cache did not answer (its `statistics().hits()` did not ")
			.append("grow with the calls, beyond one in a thousand) fails the benchmark.\n\n");
		out.append("JMH, each reader in a fork of its own:\n\n");
		out.append("| reader | time per hit | vs raw (Jackson) | vs raw (same decoder) | vs `@Cacheable` |\n")
			.append("|---|---|---|---|---|\n");
		hitRow(out, "ordercache `@CachedOrder`", results.get("ordercache"), raw, rawSameDecoder, spring);
		hitRow(out, "Spring `@Cacheable` + `RedisCacheManager`", results.get("springCacheable"), raw, rawSameDecoder,
				spring);
		hitRow(out, "raw Lettuce `HGET` + Jackson", results.get("rawHget"), raw, rawSameDecoder, spring);
		hitRow(out, "raw Lettuce `HGET` + ordercache's decoder", results.get("rawHgetSameDecoder"), raw,
				rawSameDecoder, spring);
		hitRow(out, InterleavedHits.READERS.get(InterleavedHits.NEAR_CACHE), results.get("ordercacheNearCache"), raw,
				rawSameDecoder, spring);
		out.append("\nA hit is one loopback round trip, and on this machine that round trip drifts between JMH's ")
			.append("forks by more than the readers differ (the ± column). So the same readers are measured again ")
			.append("taking turns call after call in one JVM (")
			.append(Format.count(turns.rounds()))
			.append(" calls each after a warm-up, each round started by the next reader), which exposes them to ")
			.append("the same moments; the targets of Redis hits are checked on these figures. The near-cache target is checked on JMH's: taking turns, each near hit follows another reader's blocking round trip with cold CPU caches, which costs it more than the hit itself.\n\n");
		out.append("| reader | mean | p50 | p99 | mean vs raw | mean vs `@Cacheable` |\n|---|---|---|---|---|---|\n");
		for (int reader = 0; reader < InterleavedHits.READERS.size(); reader++) {
			out.append("| ").append(InterleavedHits.READERS.get(reader)).append(" | ")
				.append(Format.nanos(turns.mean(reader))).append(" | ")
				.append(Format.nanos(turns.percentile(reader, 50))).append(" | ")
				.append(Format.nanos(turns.percentile(reader, 99))).append(" | ")
				.append(Format.ratio(turns.mean(reader) / turnsRaw)).append(" | ")
				.append(Format.ratio(turns.mean(reader) / turnsSpring)).append(" |\n");
		}
		out.append('\n');
		double versusRaw = turnsOrdercache / turnsRaw;
		double versusSpring = turnsOrdercache / turnsSpring;
		double nearVersusSpring = turnsNear / turnsSpring;
		out.append("- near cache on / `@Cacheable`: **").append(Format.fineRatio(nearVersusSpring))
			.append("** the mean time taking turns (").append(Format.nanos(turnsNear)).append(" against ")
			.append(Format.nanos(turnsSpring)).append("), JMH: ").append(Format.fineRatio(near / spring))
			.append("; near cache on / `@CachedOrder` without it: ")
			.append(Format.fineRatio(turnsNear / turnsOrdercache)).append(" taking turns\n");
		return new Section("2. Cache hit through the read annotation", out.toString(), List.of(
				new Section.Target("2. hit vs raw HGET + decode", "≤ 1.20×", Format.ratio(versusRaw)
						+ " taking turns (JMH: " + Format.ratio(ordercache / strictest) + ")", versusRaw <= 1.2),
				new Section.Target("2. hit vs `@Cacheable`", "≤ 1.00×", Format.ratio(versusSpring)
						+ " taking turns (JMH: " + Format.ratio(ordercache / spring) + ")", versusSpring <= 1.0),
				// Judged on JMH: taking turns, each near hit follows a 70 µs blocking round trip of another
				// reader and runs with cold CPU caches, which costs it more than the hit itself; the
				// round-trip drift that taking turns evens out does not concern a hit without one.
				new Section.Target("2. near hit vs `@Cacheable`", "≤ 0.05×", Format.fineRatio(near / spring)
						+ " JMH (taking turns: " + Format.fineRatio(nearVersusSpring) + ")", near / spring <= 0.05)));
	}

	private static void hitRow(StringBuilder out, String name, RunResult result, double raw, double rawSameDecoder,
			double spring) {
		double micros = score(result);
		out.append("| ").append(name).append(" | ").append(Format.nanos(micros * 1e3)).append(" ± ")
			.append(Format.nanos(error(result) * 1e3)).append(" | ").append(Format.ratio(micros / raw)).append(" | ")
			.append(Format.ratio(micros / rawSameDecoder)).append(" | ").append(Format.ratio(micros / spring))
			.append(" |\n");
	}

	static Section aspectOverhead(BenchSettings settings) throws RunnerException {
		Map<String, RunResult> results = JmhRuns.run(AspectOverheadBenchmark.class, settings, true);
		double read = score(results.get("cachedOrderHit")) - score(results.get("readWithoutAnnotation"));
		double write = score(results.get("cacheOrderWrite")) - score(results.get("saveWithoutAnnotation"));
		double decode = score(results.get("jsonDecode"));
		double encode = score(results.get("jsonEncode"));
		StringBuilder out = new StringBuilder();
		out.append("The annotations with Redis taken out: ordercache's `OrderHashStore` replaced by a map in the ")
			.append("JVM, so that what remains is the proxy, the expressions, key checks, JSON, counters and ")
			.append("meters. Each annotated call is compared with the same method without annotation on the same ")
			.append("proxy; JSON alone is shown because it is part of the annotated figures (a cache has to ")
			.append("convert the order whatever it is built on). One thread; lower is better.\n\n");
		out.append("| call | time | allocated | overhead | overhead without JSON |\n|---|---|---|---|---|\n");
		out.append(overheadRow("`@CachedOrder` hit", results.get("cachedOrderHit"), read, read - decode));
		out.append(overheadRow("same read, no annotation", results.get("readWithoutAnnotation"), Double.NaN, Double.NaN));
		out.append(overheadRow("`@CacheOrder` write", results.get("cacheOrderWrite"), write, write - encode));
		out.append(overheadRow("same save, no annotation", results.get("saveWithoutAnnotation"), Double.NaN, Double.NaN));
		out.append(overheadRow("JSON decode of the order alone", results.get("jsonDecode"), Double.NaN, Double.NaN));
		out.append(overheadRow("JSON encode of the order alone", results.get("jsonEncode"), Double.NaN, Double.NaN));
		out.append('\n');
		double worst = Math.max(read, write);
		return new Section("3. Aspect overhead with Redis taken out", out.toString(), List.of(
				new Section.Target("3. overhead per annotated call (JSON included)", "≤ 2 µs",
						"read " + Format.nanos(read) + ", write " + Format.nanos(write), worst <= 2_000)));
	}

	private static String overheadRow(String name, RunResult result, double overhead, double withoutJson) {
		return "| " + name + " | " + Format.nanos(score(result)) + " ± " + Format.nanos(error(result)) + " | "
				+ Format.bytes(allocatedBytes(result)) + " | " + (Double.isNaN(overhead) ? "" : Format.nanos(overhead))
				+ " | " + (Double.isNaN(withoutJson) ? "" : Format.nanos(withoutJson)) + " |\n";
	}

	static Section periodRead(BenchSettings settings) throws RunnerException {
		Map<String, RunResult> results = JmhRuns.run(PeriodReadBenchmark.class, settings, true);
		StringBuilder out = new StringBuilder();
		out.append("A whole period read and every order decoded: 10,000 orders at once (`getOrdersByPeriod`: HLEN ")
			.append("against `ordercache.max-period-size`, then HGETALL) and 200,000 orders page by page ")
			.append("(`streamOrdersByPeriod`, HSCAN of 500). Raw rows decode with a plain Jackson mapper and with ")
			.append("ordercache's own decoder; ratios are against the latter, so that they show the cache's own ")
			.append("cost. Allocation is what the benchmark JVM allocates per read (JMH's GC profiler). Lower is ")
			.append("better.\n\n");
		out.append("| read | time | orders/s | allocated | time vs raw (same decoder) | allocation vs raw (same decoder) |\n")
			.append("|---|---|---|---|---|---|\n");
		RunResult small = results.get("rawHgetallSameDecoder");
		RunResult large = results.get("rawHscanSameDecoder");
		periodRow(out, "ordercache `getOrdersByPeriod`, 10,000", results.get("getOrdersByPeriod"), small,
				PeriodReadBenchmark.SMALL);
		periodRow(out, "raw Lettuce HGETALL + Jackson, 10,000", results.get("rawHgetall"), small,
				PeriodReadBenchmark.SMALL);
		periodRow(out, "raw Lettuce HGETALL + ordercache's decoder, 10,000", small, small, PeriodReadBenchmark.SMALL);
		periodRow(out, "ordercache `streamOrdersByPeriod`, 200,000", results.get("streamOrdersByPeriod"), large,
				PeriodReadBenchmark.LARGE);
		periodRow(out, "raw Lettuce HSCAN + Jackson, 200,000", results.get("rawHscan"), large,
				PeriodReadBenchmark.LARGE);
		periodRow(out, "raw Lettuce HSCAN + ordercache's decoder, 200,000", large, large, PeriodReadBenchmark.LARGE);
		out.append('\n');
		double smallRatio = score(results.get("getOrdersByPeriod")) / score(small);
		double largeRatio = score(results.get("streamOrdersByPeriod")) / score(large);
		return new Section("5. Period read", out.toString(), List.of(
				new Section.Target("5. 10,000 by `getOrdersByPeriod` vs HGETALL", Section.Target.NONE,
						Format.ratio(smallRatio) + " the time", true),
				new Section.Target("5. 200,000 streamed vs HSCAN", Section.Target.NONE,
						Format.ratio(largeRatio) + " the time", true)));
	}

	private static void periodRow(StringBuilder out, String name, RunResult result, RunResult raw, int orders) {
		double millis = score(result);
		out.append("| ").append(name).append(" | ").append(Format.nanos(millis * 1e6)).append(" ± ")
			.append(Format.nanos(error(result) * 1e6)).append(" | ").append(Format.count(orders / millis * 1000))
			.append(" | ").append(Format.bytes(allocatedBytes(result))).append(" | ")
			.append(Format.ratio(millis / score(raw))).append(" | ")
			.append(Format.ratio(allocatedBytes(result) / allocatedBytes(raw))).append(" |\n");
	}

}
