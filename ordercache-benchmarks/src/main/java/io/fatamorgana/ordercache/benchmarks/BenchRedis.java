package io.fatamorgana.ordercache.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;

/**
 * Raw Lettuce on the benchmark's Redis, as a user without ordercache would write it: the peer of
 * the "raw" rows, and the way benchmarks fill and clean up their keys.
 */
public final class BenchRedis implements AutoCloseable {

	/** The system property that carries the Redis URL into JMH's forked JVMs. */
	public static final String URL_PROPERTY = "bench.redis.url";

	private final RedisClient client;

	private final StatefulRedisConnection<byte[], byte[]> connection;

	private final StatefulRedisConnection<byte[], byte[]> pipeline;

	/**
	 * Connects to a Redis.
	 * @param url its URL
	 */
	public BenchRedis(String url) {
		this.client = RedisClient.create(url);
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		this.pipeline = this.client.connect(ByteArrayCodec.INSTANCE);
		this.pipeline.setAutoFlushCommands(false);
	}

	/**
	 * The Redis of this JVM's benchmarks, from {@value #URL_PROPERTY}.
	 * @return its URL
	 */
	public static String url() {
		String url = System.getProperty(URL_PROPERTY);
		if (url == null) {
			throw new IllegalStateException("Set -D" + URL_PROPERTY + "=redis://host:port (bench/run.sh does)");
		}
		return url;
	}

	/**
	 * Blocking commands on a connection of its own.
	 * @return the commands
	 */
	public RedisCommands<byte[], byte[]> sync() {
		return this.connection.sync();
	}

	/**
	 * Writes hash fields the fastest way a client can: one HSET per field, all sent at once
	 * (pipelined) on a connection of their own, then PEXPIRE, then waits for every reply.
	 * @param key the hash
	 * @param fields field &rarr; value
	 * @param ttlMillis the TTL to set
	 */
	public void pipelinedHset(byte[] key, Map<byte[], byte[]> fields, long ttlMillis) {
		RedisAsyncCommands<byte[], byte[]> async = this.pipeline.async();
		List<RedisFuture<?>> replies = new ArrayList<>(fields.size() + 1);
		fields.forEach((field, value) -> replies.add(async.hset(key, field, value)));
		replies.add(async.pexpire(key, ttlMillis));
		this.pipeline.flushCommands();
		await(replies);
	}

	/**
	 * Writes hash fields many per HSET, all commands sent at once: the most a client can get out of
	 * Redis for one hash.
	 * @param key the hash
	 * @param fields field &rarr; value
	 * @param perCommand fields per HSET
	 * @param ttlMillis the TTL to set
	 */
	public void pipelinedMultiHset(byte[] key, Map<byte[], byte[]> fields, int perCommand, long ttlMillis) {
		RedisAsyncCommands<byte[], byte[]> async = this.pipeline.async();
		List<RedisFuture<?>> replies = new ArrayList<>();
		Map<byte[], byte[]> chunk = new LinkedHashMap<>();
		for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
			chunk.put(field.getKey(), field.getValue());
			if (chunk.size() == perCommand) {
				replies.add(async.hset(key, chunk));
				chunk = new LinkedHashMap<>();
			}
		}
		if (!chunk.isEmpty()) {
			replies.add(async.hset(key, chunk));
		}
		replies.add(async.pexpire(key, ttlMillis));
		this.pipeline.flushCommands();
		await(replies);
	}

	private static void await(List<RedisFuture<?>> replies) {
		if (!LettuceFutures.awaitAll(60, TimeUnit.SECONDS, replies.toArray(new RedisFuture<?>[0]))) {
			throw new IllegalStateException("Redis did not answer a pipeline of " + replies.size() + " commands");
		}
	}

	/**
	 * Removes every key that starts with a prefix (SCAN and UNLINK, never FLUSH: the Redis may be
	 * shared).
	 * @param prefix the key prefix
	 * @return how many keys were removed
	 */
	public long deleteKeys(String prefix) {
		long removed = 0;
		ScanCursor cursor = ScanCursor.INITIAL;
		KeyScanCursor<byte[]> page;
		do {
			page = sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
			if (!page.getKeys().isEmpty()) {
				removed += sync().unlink(page.getKeys().toArray(new byte[0][]));
			}
			cursor = page;
		}
		while (!page.isFinished());
		return removed;
	}

	/**
	 * The server's version.
	 * @return {@code redis_version} from INFO
	 */
	public String version() {
		String info = sync().info("server");
		return info.lines()
			.filter((line) -> line.startsWith("redis_version:"))
			.map((line) -> line.substring("redis_version:".length()).trim())
			.findFirst()
			.orElse("unknown");
	}

	@Override
	public void close() {
		this.pipeline.close();
		this.connection.close();
		this.client.shutdown(0, 2, TimeUnit.SECONDS);
	}

}
