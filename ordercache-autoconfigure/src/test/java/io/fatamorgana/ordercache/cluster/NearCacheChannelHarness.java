package io.fatamorgana.ordercache.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.fatamorgana.ordercache.test.RedisClusterProcesses;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/**
 * For the near cache's design (docs/design/near-cache.md): on a Redis Cluster, what does a message
 * published by the script that changes a period cost, sent with {@code PUBLISH} (broadcast to every
 * node, one channel for all) or with {@code SPUBLISH} (the key's shard only, the channel being the
 * period's key)? Measures the script's throughput with each and without any, and the delivery
 * latency from the script's call to the subscriber in the same JVM. Not run by the build:
 * {@code ./mvnw -B -pl ordercache-autoconfigure -am test -Dtest=NearCacheChannelHarness -Dsurefire.failIfNoSpecifiedTests=false}
 */
class NearCacheChannelHarness {

	private static final int MESSAGES = 20_000;

	private static final int IN_FLIGHT = 16;

	private static final String CHANNEL = "oc!near";

	private static final String WRITE = "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1";

	private static final String WRITE_PUBLISH = "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) "
			+ "redis.call('PUBLISH', ARGV[3], ARGV[2]) return 1";

	private static final String WRITE_SPUBLISH = "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) "
			+ "redis.call('SPUBLISH', KEYS[1], ARGV[2]) return 1";

	@Test
	void publishVersusShardedPublishFromTheWritingScript() throws Exception {
		try (RedisClusterProcesses cluster = RedisClusterProcesses.startOrSkip()) {
			RedisClusterClient client = RedisClusterClient
				.create(cluster.nodes().stream().map((node) -> RedisURI.create("redis://" + node)).toList());
			try (StatefulRedisClusterConnection<String, String> connection = client.connect();
					StatefulRedisClusterPubSubConnection<String, String> subscriber = client.connectPubSub()) {
				List<String> keys = new ArrayList<>();
				for (int i = 0; keys.size() < 30; i++) {
					keys.add("nearbench_" + i);
				}
				ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
				AtomicLong received = new AtomicLong();
				RedisPubSubAdapter<String, String> listener = new RedisPubSubAdapter<>() {
					@Override
					public void message(String channel, String message) {
						latencies.add(System.nanoTime() - Long.parseLong(message));
						received.incrementAndGet();
					}

					@Override
					public void smessage(String channel, String message) {
						message(channel, message);
					}
				};
				subscriber.addListener(listener);
				subscriber.sync().subscribe(CHANNEL);
				// One shard channel per period key: each must be subscribed on its own slot's node.
				keys.forEach((key) -> subscriber.sync().ssubscribe(key));
				RedisAdvancedClusterAsyncCommands<String, String> redis = connection.async();

				for (int round = 0; round < 2; round++) {
					// The first round warms the JIT and the connections; the second is reported.
					report(round, "no message", run(redis, WRITE, keys, latencies, received, false));
					report(round, "PUBLISH " + CHANNEL, run(redis, WRITE_PUBLISH, keys, latencies, received, true));
					report(round, "SPUBLISH <period key>", run(redis, WRITE_SPUBLISH, keys, latencies, received, true));
				}
				keys.forEach((key) -> connection.sync().unlink(key));
			}
			finally {
				client.shutdown();
			}
		}
	}

	private static Result run(RedisAdvancedClusterAsyncCommands<String, String> redis, String script, List<String> keys,
			ConcurrentLinkedQueue<Long> latencies, AtomicLong received, boolean publishes) throws Exception {
		latencies.clear();
		received.set(0);
		Semaphore window = new Semaphore(IN_FLIGHT);
		long start = System.nanoTime();
		for (int i = 0; i < MESSAGES; i++) {
			window.acquire();
			String key = keys.get(i % keys.size());
			redis.eval(script, ScriptOutputType.INTEGER, new String[] { key }, "O" + i, Long.toString(System.nanoTime()),
					CHANNEL)
				.whenComplete((result, failure) -> window.release());
		}
		window.acquire(IN_FLIGHT);
		long took = System.nanoTime() - start;
		if (publishes) {
			await().atMost(30, TimeUnit.SECONDS).until(() -> received.get() >= MESSAGES);
		}
		long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
		return new Result(MESSAGES * 1e9 / took, sorted);
	}

	private static void report(int round, String mode, Result result) {
		if (round == 0) {
			return;
		}
		long[] l = result.latencies();
		String delivery = (l.length == 0) ? "-" : String.format(Locale.ROOT, "p50 %.0f µs, p99 %.0f µs, max %.1f ms",
				l[l.length / 2] / 1e3, l[(int) (l.length * 0.99)] / 1e3, l[l.length - 1] / 1e6);
		System.out.printf(Locale.ROOT, "NearCacheChannelHarness | %-24s | %,.0f scripts/s | delivery %s | %d received%n",
				mode, result.perSecond(), delivery, l.length);
	}

	private record Result(double perSecond, long[] latencies) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Result result && result.perSecond == this.perSecond
					&& Arrays.equals(result.latencies, this.latencies);
		}

		@Override
		public int hashCode() {
			return Double.hashCode(this.perSecond) * 31 + Arrays.hashCode(this.latencies);
		}

		@Override
		public String toString() {
			return this.perSecond + " " + this.latencies.length;
		}

	}

}
