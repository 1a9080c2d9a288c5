package io.fatamorgana.ordercache.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import reactor.core.Disposable;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.Assert;

/**
 * {@link OrderHashStore} on the native asynchronous Lettuce connection of the application's
 * {@link LettuceConnectionFactory} (standalone, Sentinel or Cluster). Each call waits for its reply
 * for a timeout of its own, much shorter than the connection's, and goes through the
 * {@link CircuitBreaker} of the node it goes to ({@link CircuitBreakers}: on a Cluster, the primary
 * serving its key's slot): a dead or frozen Redis costs a business call at most one short timeout,
 * and nothing at all once the breaker is open, and a dead Cluster primary costs only the calls for
 * its slots. Scripts are sent by EVALSHA, and by EVAL once when Redis does not know them yet.
 */
public final class LettuceOrderHashStore
		implements OrderHashStore, InitializingBean, SmartInitializingSingleton, DisposableBean {

	private static final byte[] EPOCH = bytes("!e");

	private static final byte[] COMPLETE = bytes("!c");

	private static final byte[] SEQUENCE = bytes("!s");

	private static final Script GET = new Script("get.lua");

	private static final Script NEAR_GET = new Script("near-get.lua");

	private static final Script WRITE = new Script("write.lua");

	private static final Script EVICT = new Script("evict.lua");

	private static final Script DROP = new Script("drop.lua");

	private static final Script COUNT = new Script("count.lua");

	private static final Script SUMMARY = new Script("period-stats.lua");

	private static final Script REPAIR = new Script("repair.lua");

	private static final Script DELETE_IF_EQUALS = new Script("delete-if-equals.lua");

	private static final byte[] NO_LOAD_TOKEN = new byte[0];

	private static final int MAX_SCANS_PER_PAGE = 16;

	private static final int MAX_SUSPECTS = 10_000;

	private static final byte[] TRUE = bytes("1");

	private static final byte[] FALSE = bytes("0");

	private final LettuceConnectionFactory connectionFactory;

	private final CircuitBreakers circuitBreakers;

	private final AdaptiveTimeout commandTimeout;

	private final OverdueReplies overdueReplies;

	private final long bulkTimeoutNanos;

	private final LettuceExceptionConverter exceptionConverter = new LettuceExceptionConverter();

	private final FirstConnection firstConnection;


	private volatile RedisCommandObserver observer = RedisCommandObserver.NONE;

	private final Map<String, Boolean> suspects = new ConcurrentHashMap<>();

	private final AtomicBoolean refreshingTopology = new AtomicBoolean();

	private final List<Disposable> subscriptions = new CopyOnWriteArrayList<>();

	/**
	 * Creates a store.
	 * @param connectionFactory the application's connection factory
	 * @param circuitBreakers the breakers of the nodes, one of which every call goes through
	 * @param commandTimeout how long to wait for a single-order command, fixed
	 * @param bulkTimeout how long to wait for a command on many orders (batch chunk, whole period)
	 */
	public LettuceOrderHashStore(LettuceConnectionFactory connectionFactory, CircuitBreakers circuitBreakers,
			Duration commandTimeout, Duration bulkTimeout) {
		this(connectionFactory, circuitBreakers, commandTimeout, commandTimeout, bulkTimeout);
	}

	/**
	 * Creates a store.
	 * @param connectionFactory the application's connection factory
	 * @param circuitBreakers the breakers of the nodes, one of which every call goes through
	 * @param commandTimeout how long to wait for a single-order command at least; the wait adapts to
	 * how fast Redis answers ({@link AdaptiveTimeout})
	 * @param commandTimeoutCeiling how long to wait for a single-order command at most; a reply
	 * later than this is a failure of its node
	 * @param bulkTimeout how long to wait for a command on many orders (batch chunk, whole period)
	 */
	public LettuceOrderHashStore(LettuceConnectionFactory connectionFactory, CircuitBreakers circuitBreakers,
			Duration commandTimeout, Duration commandTimeoutCeiling, Duration bulkTimeout) {
		Assert.notNull(connectionFactory, "connectionFactory must not be null");
		Assert.notNull(circuitBreakers, "circuitBreakers must not be null");
		this.connectionFactory = connectionFactory;
		this.circuitBreakers = circuitBreakers;
		this.commandTimeout = new AdaptiveTimeout(commandTimeout, commandTimeoutCeiling);
		this.overdueReplies = new OverdueReplies(this.commandTimeout);
		this.bulkTimeoutNanos = bulkTimeout.toNanos();
		this.firstConnection = new FirstConnection(connectionFactory);
	}

	/** Starts connecting in the background, as early as possible. */
	@Override
	public void afterPropertiesSet() {
		this.firstConnection.start();
	}

	/**
	 * Before the application takes calls (and before a warm-up runs), waits for the connection for
	 * at most the bulk timeout: not a business call's cost, and a Redis that does not answer delays
	 * startup by that much only; calls then wait at most their own timeout.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		this.firstConnection.awaitAtStartup(this.bulkTimeoutNanos);
	}

	/**
	 * Tells the listener of every connection Lettuce activates (after Redis accepted its handshake),
	 * from the event bus of the factory's client resources: a reconnection after an outage is noticed
	 * at once rather than at the next probe.
	 */
	@Override
	public void whenConnected(Runnable listener) {
		ClientResources resources = this.connectionFactory.getClientResources();
		if (resources == null) {
			return;
		}
		this.subscriptions.add(resources.eventBus()
			.get()
			.filter(ConnectionActivatedEvent.class::isInstance)
			.subscribe((event) -> listener.run(), (failure) -> {
				// The bus ends with the client resources at shutdown; nothing to do.
			}));
	}

	@Override
	public void destroy() {
		this.subscriptions.forEach(Disposable::dispose);
		this.subscriptions.clear();
	}

	/**
	 * Sets who is told about each round trip (for timers).
	 * @param observer the observer
	 */
	public void setObserver(RedisCommandObserver observer) {
		this.observer = observer;
	}

	@Override
	public Lookup get(String key, String field, long maxBytes) {
		// A plain HMGET is the fast path of every hit. A value found too large, or whose read timed out
		// (a value too large to transfer in time), is read again through get.lua, which checks its size
		// in Redis and removes it without transferring it.
		String suspect = key + "\n" + field;
		if (!this.suspects.containsKey(suspect)) {
			try {
				List<KeyValue<byte[], byte[]>> values = call("get", key, false,
						(redis) -> redis.hmget(bytes(key), bytes(field), EPOCH, SEQUENCE));
				byte[] json = values.get(0).getValueOrElse(null);
				if (json == null || json.length <= maxBytes) {
					return new Lookup(json,
							loadToken(values.get(1).getValueOrElse(null), values.get(2).getValueOrElse(null)), 0);
				}
			}
			catch (QueryTimeoutException ex) {
				if (this.suspects.size() >= MAX_SUSPECTS) {
					this.suspects.clear();
				}
				this.suspects.put(suspect, Boolean.TRUE);
				throw ex;
			}
		}
		List<Object> reply = script("get", GET, ScriptOutputType.MULTI, false, key, bytes(field),
				bytes(Long.toString(maxBytes)));
		this.suspects.remove(suspect);
		byte[] json = ((Long) reply.get(0) == 1L) ? (byte[]) reply.get(1) : null;
		return new Lookup(json, loadToken((byte[]) reply.get(2), (byte[]) reply.get(3)), (Long) reply.get(4));
	}

	@Override
	public WatchedLookup getWatched(String key, String field, long maxBytes, String channel) {
		List<Object> reply = script("get", NEAR_GET, ScriptOutputType.MULTI, false, key, bytes(field),
				bytes(Long.toString(maxBytes)), bytes(channel));
		byte[] json = ((Long) reply.get(0) == 1L) ? (byte[]) reply.get(1) : null;
		return new WatchedLookup(
				new Lookup(json, loadToken((byte[]) reply.get(2), (byte[]) reply.get(3)), (Long) reply.get(4)),
				(Long) reply.get(5));
	}

	@Override
	public void publish(String channel, String message) {
		call("publish", channel, false, (redis) -> redis.publish(bytes(channel), bytes(message)));
	}

	/**
	 * Subscribes on a pub/sub connection of its own, made by the factory's client (standalone,
	 * Sentinel: the master; Cluster: a node of the cluster, to which PUBLISH is broadcast). Lettuce
	 * reconnects it and subscribes again by itself; the listener hears of both.
	 */
	@Override
	public Subscription subscribe(String channel, ChannelListener listener) {
		StatefulRedisPubSubConnection<String, String> connection;
		try {
			connection = (this.connectionFactory.getNativeClient() instanceof RedisClusterClient cluster)
					? cluster.connectPubSub(StringCodec.UTF8)
					: ((RedisClient) this.connectionFactory.getNativeClient()).connectPubSub(StringCodec.UTF8);
		}
		catch (RuntimeException ex) {
			throw translated(ex);
		}
		connection.addListener(new RedisPubSubAdapter<String, String>() {

			@Override
			public void message(String from, String message) {
				listener.message(message);
			}

			@Override
			public void subscribed(String to, long count) {
				listener.subscribed();
			}

		});
		connection.addListener(new RedisConnectionStateListener() {

			@Override
			public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
				listener.disconnected();
			}

		});
		try {
			LettuceFutures.awaitOrCancel(connection.async().subscribe(channel), this.bulkTimeoutNanos,
					TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException ex) {
			connection.closeAsync();
			throw translated(ex);
		}
		return new Subscription() {

			@Override
			public boolean isOpen() {
				return connection.isOpen();
			}

			@Override
			public void close() {
				connection.closeAsync();
			}

		};
	}

	@Override
	public String loadToken(String key) {
		List<KeyValue<byte[], byte[]>> values = call("token", key, false,
				(redis) -> redis.hmget(bytes(key), EPOCH, SEQUENCE));
		return loadToken(values.get(0).getValueOrElse(null), values.get(1).getValueOrElse(null));
	}

	private static String loadToken(byte @Nullable [] epoch, byte @Nullable [] sequence) {
		return ((epoch != null) ? string(epoch) : "0") + "." + ((sequence != null) ? string(sequence) : "0");
	}

	@Override
	public PeriodContent entries(String key, long maxFields, boolean onlyIfComplete) {
		// HLEN and the bookkeeping first, HGETALL after: a too large or (when asked) incomplete hash
		// is never sent, and Redis answers a plain HGETALL a third faster than the same read inside a
		// script, which copies the reply into Lua and back.
		byte[] hashKey = bytes(key);
		CircuitBreaker node = breakerFor(key);
		long timeout = this.commandTimeout.nanos();
		PeriodHead head = guarded("entries-size", node, timeout, (redis) -> {
			RedisFuture<Long> size = redis.hlen(hashKey);
			RedisFuture<List<KeyValue<byte[], byte[]>>> meta = redis.hmget(hashKey, COMPLETE, EPOCH, SEQUENCE);
			// Both were sent before the first wait: the second reply comes right after the first.
			return new PeriodHead(this.overdueReplies.await(size, timeout, node),
					this.overdueReplies.await(meta, timeout, node));
		});
		long fields = head.fields();
		boolean complete = head.meta().get(0).hasValue();
		String token = loadToken(head.meta().get(1).getValueOrElse(null), head.meta().get(2).getValueOrElse(null));
		if (fields > maxFields) {
			return new PeriodContent(Map.of(), token, false, true);
		}
		if (onlyIfComplete && !complete) {
			return new PeriodContent(Map.of(), token, false, false);
		}
		Map<byte[], byte[]> hash = call("entries", key, true, (redis) -> redis.hgetall(hashKey));
		Map<String, byte[]> orders = new LinkedHashMap<>(hash.size() * 4 / 3 + 1);
		byte[] epoch = null;
		byte[] sequence = null;
		complete = false;
		for (Map.Entry<byte[], byte[]> entry : hash.entrySet()) {
			byte[] field = entry.getKey();
			if (field.length > 0 && field[0] == '!') {
				epoch = Arrays.equals(field, EPOCH) ? entry.getValue() : epoch;
				sequence = Arrays.equals(field, SEQUENCE) ? entry.getValue() : sequence;
				complete |= Arrays.equals(field, COMPLETE);
			}
			else {
				orders.put(string(field), entry.getValue());
			}
		}
		return new PeriodContent(orders, loadToken(epoch, sequence), complete, false);
	}

	@Override
	public HashPage scanHash(String key, String cursor, int count) {
		MapScanCursor<byte[], byte[]> page = call("hscan", key, true,
				(redis) -> redis.hscan(bytes(key), ScanCursor.of(cursor), ScanArgs.Builder.limit(count)));
		Map<String, byte[]> orders = new LinkedHashMap<>(page.getMap().size());
		page.getMap().forEach((field, json) -> {
			if (field.length == 0 || field[0] != '!') {
				orders.put(string(field), json);
			}
		});
		return new HashPage(orders, page.isFinished() ? null : page.getCursor());
	}

	@Override
	public long count(String key) {
		return script("count", COUNT, ScriptOutputType.INTEGER, false, key);
	}

	@Override
	public PeriodSummary summary(String key) {
		List<Long> result = script("summary", SUMMARY, ScriptOutputType.MULTI, false, key);
		return new PeriodSummary(result.get(0), result.get(1), result.get(2) == 1L);
	}

	@Override
	public boolean exists(String key, String field) {
		return call("exists", key, false, (redis) -> redis.hexists(bytes(key), bytes(field)));
	}

	@Override
	public WriteResult write(String key, Map<String, byte[]> orders, String versionFields, Duration ttl,
			Duration tombstoneTtl, @Nullable String loadToken, FullLoad fullLoad) {
		Collection<String> found = fullLoad.replace() ? fullLoad.found() : List.of();
		byte[][] args = new byte[6 + found.size() + 2 * orders.size()][];
		args[0] = bytes(Long.toString(Math.max(1, ttl.toMillis())));
		args[1] = (loadToken != null) ? bytes(loadToken) : NO_LOAD_TOKEN;
		args[2] = bytes(fullLoad.flags());
		args[3] = bytes(versionFields);
		args[4] = millis(tombstoneTtl);
		args[5] = bytes(Integer.toString(found.size()));
		int i = 6;
		for (String orderNo : found) {
			args[i++] = bytes(orderNo);
		}
		for (Map.Entry<String, byte[]> order : orders.entrySet()) {
			args[i++] = bytes(order.getKey());
			args[i++] = order.getValue();
		}
		List<Long> result = script("write", WRITE, ScriptOutputType.MULTI, orders.size() > 1, key, args);
		return new WriteResult(result.get(0).intValue(), result.get(1).intValue(), result.get(2) == 1L,
				result.get(3) == 1L);
	}

	/**
	 * Pipelines the evictions on the shared connection, each node's share through that node's
	 * circuit and within one bulk timeout: a replay of thousands costs a few round trips, not one
	 * each, and a Redis made slow by the replay and the traffic together does not count as a failure
	 * per order. The orders of a node whose circuit is open are not sent.
	 */
	@Override
	public List<Map.Entry<String, String>> evictAll(List<Map.Entry<String, String>> orders, Duration tombstoneTtl) {
		Map<CircuitBreaker, List<Map.Entry<String, String>>> byNode = new LinkedHashMap<>();
		for (Map.Entry<String, String> order : orders) {
			byNode.computeIfAbsent(breakerFor(order.getKey()), (node) -> new ArrayList<>()).add(order);
		}
		List<Map.Entry<String, String>> notSent = new ArrayList<>();
		for (Map.Entry<CircuitBreaker, List<Map.Entry<String, String>>> node : byNode.entrySet()) {
			List<Map.Entry<String, String>> share = node.getValue();
			try {
				try {
					pipelineEvictions(node.getKey(), share, millis(tombstoneTtl));
				}
				catch (RedisSystemException ex) {
					if (!(ex.getCause() instanceof RedisNoScriptException)) {
						throw ex;
					}
					// The node does not know the script (its first replay, or a promoted replica): one
					// eviction loads it (EVAL), then the share is pipelined again; evicting twice is harmless.
					evict(share.get(0).getKey(), share.get(0).getValue(), tombstoneTtl);
					if (share.size() > 1) {
						pipelineEvictions(node.getKey(), share.subList(1, share.size()), millis(tombstoneTtl));
					}
				}
			}
			catch (CacheUnavailableException ex) {
				notSent.addAll(share);
			}
		}
		return notSent;
	}

	private void pipelineEvictions(CircuitBreaker node, List<Map.Entry<String, String>> orders, byte[] ttl) {
		guarded("evict-all", node, this.bulkTimeoutNanos, (redis) -> {
			long deadline = System.nanoTime() + this.bulkTimeoutNanos;
			List<RedisFuture<Long>> replies = new ArrayList<>(orders.size());
			for (Map.Entry<String, String> order : orders) {
				byte[][] keys = { bytes(order.getKey()) };
				replies.add(redis.evalsha(EVICT.sha1(), ScriptOutputType.INTEGER, keys, bytes(order.getValue()), ttl));
			}
			for (RedisFuture<Long> reply : replies) {
				LettuceFutures.awaitOrCancel(reply, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			return null;
		});
	}

	@Override
	public boolean evict(String key, String field, Duration tombstoneTtl) {
		Long removed = script("evict", EVICT, ScriptOutputType.INTEGER, false, key, bytes(field),
				millis(tombstoneTtl));
		return removed == 1L;
	}

	@Override
	public long drop(String key, Duration tombstoneTtl, boolean hashesOnly) {
		return script("drop", DROP, ScriptOutputType.INTEGER, true, key, millis(tombstoneTtl),
				hashesOnly ? TRUE : FALSE);
	}

	@Override
	public boolean deleteIfEquals(String key, String field, byte[] expected) {
		Long removed = script("repair", DELETE_IF_EQUALS, ScriptOutputType.INTEGER, false, key, bytes(field),
				expected);
		return removed == 1L;
	}

	@Override
	public boolean repair(String key) {
		Long removed = script("repair", REPAIR, ScriptOutputType.INTEGER, false, key);
		return removed == 1L;
	}

	@Override
	public KeyPage scanPage(String prefix, @Nullable String cursor, int count) {
		ScanArgs args = KeyScanArgs.Builder.matches(prefix + "*").type("hash").limit(Math.max(count, 10));
		String[] position = ((cursor != null) ? cursor : ":0").split(":", 2);
		if (position.length != 2 || !position[0].matches("[0-9a-f]{0,40}") || !isScanCursor(position[1])) {
			throw new IllegalArgumentException("Invalid cursor '" + cursor + "': use the cursor of the previous page");
		}
		List<Primary> primaries = primaries();
		// The cursor names the node by id, so a topology change between pages skips no node.
		int node = 0;
		while (node < primaries.size() && primaries.get(node).id().compareTo(position[0]) < 0) {
			node++;
		}
		String nodeCursor = (node < primaries.size() && primaries.get(node).id().equals(position[0])) ? position[1]
				: "0";
		List<String> keys = new ArrayList<>();
		// Bounded work per page: a keyspace with few matches answers a short page, not a long walk.
		int scans = 0;
		while (node < primaries.size() && keys.size() < count && scans++ < MAX_SCANS_PER_PAGE) {
			Primary primary = primaries.get(node);
			ScanCursor from = ScanCursor.of(nodeCursor);
			KeyScanCursor<byte[]> page;
			try {
				// Each node's SCAN goes through that node's breaker: a dead primary is skipped, not waited for.
				page = guarded("scan", this.circuitBreakers.forNode(primary.id(), primary::address),
						this.bulkTimeoutNanos, (redis) -> {
							long deadline = System.nanoTime() + this.bulkTimeoutNanos;
							return LettuceFutures.awaitOrCancel(node(redis, primary.id(), deadline).scan(from, args),
									deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
						});
			}
			catch (CacheUnavailableException ex) {
				if (keys.isEmpty()) {
					throw ex;
				}
				// The keys found so far make the page; the next one starts at the node skipped now.
				break;
			}
			page.getKeys().forEach((key) -> keys.add(string(key)));
			if (page.isFinished()) {
				node++;
				nodeCursor = "0";
			}
			else {
				nodeCursor = page.getCursor();
			}
		}
		String next = (node < primaries.size()) ? primaries.get(node).id() + ":" + nodeCursor : null;
		return new KeyPage(keys, next);
	}

	/** Redis refuses a cursor that is not an unsigned 64-bit number; that is the caller's mistake, not an outage. */
	private static boolean isScanCursor(String cursor) {
		if (!cursor.matches("\\d{1,20}")) {
			return false;
		}
		try {
			Long.parseUnsignedLong(cursor);
			return true;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	/**
	 * The primaries that serve slots now, sorted by node id, as Lettuce sees the topology (no round
	 * trip): a failed primary stays in the cluster's node table (flagged, without slots) until it is
	 * forgotten, and must not be scanned. Outside a Cluster, the connection's one node.
	 */
	private List<Primary> primaries() {
		if (!this.connectionFactory.isClusterAware()) {
			return List.of(new Primary(CircuitBreakers.WHOLE_CONNECTION, ""));
		}
		this.firstConnection.await(this.bulkTimeoutNanos);
		Partitions partitions = partitions();
		if (partitions == null) {
			throw new RedisConnectionFailureException("The Redis Cluster topology is not known yet");
		}
		return partitions.stream()
			.filter(LettuceOrderHashStore::servesSlots)
			.map((node) -> new Primary(node.getNodeId(), address(node)))
			.sorted(Comparator.comparing(Primary::id))
			.toList();
	}

	private static boolean servesSlots(RedisClusterNode node) {
		return node.getRole().isUpstream() && !node.getSlots().isEmpty()
				&& !node.is(RedisClusterNode.NodeFlag.FAIL)
				&& !node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)
				&& !node.is(RedisClusterNode.NodeFlag.NOADDR);
	}

	/** A period's size and bookkeeping, read before its orders. */
	private record PeriodHead(long fields, List<KeyValue<byte[], byte[]>> meta) {
	}

	/** A primary to scan: its node id (empty outside a Cluster) and its {@code host:port}. */
	private record Primary(String id, String address) {
	}

	@Override
	public @Nullable Long memoryUsage(String key) {
		try {
			return call("memory", key, false, (redis) -> redis.memoryUsage(bytes(key)));
		}
		catch (DataAccessException ex) {
			// MEMORY USAGE may be forbidden to the cache's ACL user; the statistics go without it.
			return null;
		}
	}

	/**
	 * PINGs Redis, waiting for the ceiling of the command timeout: the probe costs no business call,
	 * and a Redis that answers within the ceiling is one whose circuit may close. Its latency feeds
	 * the adaptive timeout, so that calls after the circuit closes wait long enough.
	 */
	@Override
	public void ping() {
		long timeout = this.commandTimeout.ceilingNanos();
		this.firstConnection.await(timeout);
		execute((redis) -> {
			long sent = System.nanoTime();
			String pong = LettuceFutures.awaitOrCancel(redis.ping(), timeout, TimeUnit.NANOSECONDS);
			this.commandTimeout.record(System.nanoTime() - sent);
			return pong;
		});
	}

	/**
	 * PINGs one Cluster node on its own connection, or the connection as a whole for
	 * {@link CircuitBreakers#WHOLE_CONNECTION}. A node that serves no slots any more (its replica took
	 * over, or it left the cluster) answers for no key: its circuit is forgotten and nothing is sent.
	 * A node that does not answer may have been replaced, so Lettuce is asked to refresh its view of
	 * the topology: its own triggers (reconnects, redirections) never fire for a primary that is frozen
	 * rather than dead, and without a refresh the calls for its slots would keep going to it.
	 */
	@Override
	public void ping(String node) {
		Partitions partitions = partitions();
		if (node.equals(CircuitBreakers.WHOLE_CONNECTION) || partitions == null) {
			ping();
			return;
		}
		RedisClusterNode known = partitions.getPartitionByNodeId(node);
		if (known == null || !known.getRole().isUpstream() || known.getSlots().isEmpty()) {
			this.circuitBreakers.forget(node);
			return;
		}
		try {
			execute((redis) -> {
				long deadline = System.nanoTime() + this.commandTimeout.ceilingNanos();
				return LettuceFutures.awaitOrCancel(node(redis, node, deadline).ping(), deadline - System.nanoTime(),
						TimeUnit.NANOSECONDS);
			});
		}
		catch (DataAccessException ex) {
			refreshTopology();
			throw ex;
		}
	}

	/** Starts a refresh of Lettuce's view of the Cluster topology, unless one is running. */
	private void refreshTopology() {
		if (this.connectionFactory.getNativeClient() instanceof RedisClusterClient cluster
				&& this.refreshingTopology.compareAndSet(false, true)) {
			cluster.refreshPartitionsAsync().whenComplete((done, failure) -> this.refreshingTopology.set(false));
		}
	}

	/**
	 * The commands of one Cluster node, on the cluster connection's connection to that node, waiting
	 * for it to be made at most until the deadline; outside a Cluster, the connection's own.
	 */
	private static RedisClusterAsyncCommands<byte[], byte[]> node(RedisClusterAsyncCommands<byte[], byte[]> redis,
			String node, long deadline) {
		if (node.equals(CircuitBreakers.WHOLE_CONNECTION)
				|| !(redis instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster)) {
			return redis;
		}
		try {
			return cluster.getStatefulConnection()
				.getConnectionAsync(node)
				.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)
				.async();
		}
		catch (TimeoutException ex) {
			throw new RedisCommandTimeoutException("No connection to Redis node " + node + " in time");
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException failure) ? failure
					: new RedisConnectionException("Could not connect to Redis node " + node, ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisCommandInterruptedException(ex);
		}
	}

	/**
	 * The breaker of the primary that serves a key's slot on a Cluster (Lettuce's view of the
	 * topology, which its refresh keeps up to date), else of the connection as a whole.
	 */
	private CircuitBreaker breakerFor(String key) {
		Partitions partitions = partitions();
		if (partitions != null) {
			RedisClusterNode primary = partitions.getMasterBySlot(SlotHash.getSlot(bytes(key)));
			if (primary != null) {
				return this.circuitBreakers.forNode(primary.getNodeId(), () -> address(primary));
			}
		}
		return this.circuitBreakers.forNode(CircuitBreakers.WHOLE_CONNECTION, () -> "");
	}

	/**
	 * Lettuce's view of the Cluster topology, shared by the client's connections and reloaded in place
	 * by its topology refresh; {@code null} outside a Cluster and until the first connection is made
	 * (before that, asking would block until the topology is loaded).
	 */
	private @Nullable Partitions partitions() {
		if (!this.firstConnection.established()) {
			return null;
		}
		try {
			return (this.connectionFactory.getNativeClient() instanceof RedisClusterClient cluster)
					? cluster.getPartitions() : null;
		}
		catch (IllegalStateException ex) {
			// The factory is stopped: calls fail on its connection, counted against the connection as a whole.
			return null;
		}
	}

	private static String address(RedisClusterNode node) {
		RedisURI uri = node.getUri();
		return (uri != null) ? uri.getHost() + ":" + uri.getPort() : node.getNodeId();
	}

	private <T> T script(String name, Script script, ScriptOutputType type, boolean bulk, String key,
			byte[]... args) {
		byte[][] keys = { bytes(key) };
		try {
			return call(name, key, bulk, (redis) -> redis.evalsha(script.sha1(), type, keys, args));
		}
		catch (RedisSystemException ex) {
			if (ex.getCause() instanceof RedisNoScriptException) {
				return call(name, key, bulk, (redis) -> redis.eval(script.source(), type, keys, args));
			}
			throw ex;
		}
	}

	private <T> T call(String name, String key, boolean bulk,
			Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command) {
		CircuitBreaker node = breakerFor(key);
		if (bulk) {
			long timeout = this.bulkTimeoutNanos;
			return guarded(name, node, timeout,
					(redis) -> LettuceFutures.awaitOrCancel(command.apply(redis), timeout, TimeUnit.NANOSECONDS));
		}
		long timeout = this.commandTimeout.nanos();
		return guarded(name, node, timeout, (redis) -> this.overdueReplies.await(command.apply(redis), timeout, node));
	}

	/**
	 * How long a command on one order waits for its reply now.
	 * @return the adaptive command timeout
	 */
	public Duration currentCommandTimeout() {
		return Duration.ofNanos(this.commandTimeout.nanos());
	}

	/**
	 * How many replies came after their call had stopped waiting, but within the ceiling, so that
	 * they counted as answers, not failures.
	 * @return the count since startup
	 */
	public long repliesAnsweredLate() {
		return this.overdueReplies.answeredLate();
	}

	/**
	 * Runs one call to Redis through the breaker of the node it goes to: refused at once while that
	 * circuit is open or while as many calls as allowed already wait for that node (a frozen node then
	 * holds at most that many callers, and takes none from the other nodes); a connection not yet
	 * established is waited for at most the call's timeout.
	 */
	private <T> T guarded(String name, CircuitBreaker circuitBreaker, long timeoutNanos,
			Function<RedisClusterAsyncCommands<byte[], byte[]>, T> work) {
		if (!circuitBreaker.allowsCalls()) {
			throw new CacheUnavailableException(circuitBreaker.target());
		}
		if (!circuitBreaker.tryAcquireCall()) {
			throw new CacheUnavailableException(circuitBreaker.target(), circuitBreaker.maxConcurrentCalls());
		}
		long start = System.nanoTime();
		boolean success = false;
		try {
			this.firstConnection.await(timeoutNanos);
			T result = execute(work);
			circuitBreaker.succeeded();
			success = true;
			return result;
		}
		catch (QueryTimeoutException ex) {
			if (!(ex.getCause() instanceof OverdueReplies.Overdue)) {
				circuitBreaker.failed();
			}
			// else the reply, when it comes or does not by the ceiling, tells the breaker
			throw ex;
		}
		catch (RedisSystemException ex) {
			if (ex.getCause() instanceof RedisCommandExecutionException) {
				// Redis answered, with an error about the data (WRONGTYPE, NOSCRIPT): it is available.
				circuitBreaker.succeeded();
				success = true;
			}
			else {
				circuitBreaker.failed();
			}
			throw ex;
		}
		catch (DataAccessException ex) {
			circuitBreaker.failed();
			throw ex;
		}
		finally {
			circuitBreaker.releaseCall();
			this.observer.observe(name, System.nanoTime() - start, success);
		}
	}

	private <T> T execute(Function<RedisClusterAsyncCommands<byte[], byte[]>, T> work) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return work.apply(((LettuceConnection) connection).getNativeConnection());
		}
		catch (DataAccessException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw translated(ex);
		}
	}

	/** A failure of the client as Spring's {@link DataAccessException}, as every call reports it. */
	private DataAccessException translated(RuntimeException ex) {
		DataAccessException translated = this.exceptionConverter.translateExceptionIfPossible(ex);
		return (translated != null) ? translated : new RedisSystemException(ex.getMessage(), ex);
	}

	private static byte[] millis(Duration duration) {
		return bytes(Long.toString(Math.max(1, duration.toMillis())));
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static String string(byte[] value) {
		return new String(value, StandardCharsets.UTF_8);
	}

	/** A Lua script with its SHA-1, loaded once, with the shared prelude prepended. */
	private record Script(String source, String sha1) {

		Script(String name) {
			this(RedisScript.of(resource("prelude.lua") + resource(name)));
		}

		private static String resource(String name) {
			try {
				return new ClassPathResource(name, LettuceOrderHashStore.class).getContentAsString(StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not load " + name, ex);
			}
		}

		private Script(RedisScript<?> script) {
			this(script.getScriptAsString(), script.getSha1());
		}

	}

}
