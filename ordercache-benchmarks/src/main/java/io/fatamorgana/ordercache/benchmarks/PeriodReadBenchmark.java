package io.fatamorgana.ordercache.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import io.fatamorgana.ordercache.OrderCacheService;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Benchmark 5: reading a whole period, 10,000 orders at once ({@code getOrdersByPeriod} against
 * HGETALL) and 200,000 orders page by page ({@code streamOrdersByPeriod} against HSCAN), each order
 * decoded to an object. Run with JMH's GC profiler for the allocation per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PeriodReadBenchmark {

	/** Orders of the period read at once. */
	public static final int SMALL = 10_000;

	/** Orders of the period streamed. */
	public static final int LARGE = 200_000;

	private static final String SMALL_PERIOD = "20241201_804";

	private static final String LARGE_PERIOD = "20241201_805";

	private static final int PAGE = 500;

	private final byte[] smallKey = Orders.bytes(BenchApplication.KEY_PREFIX + SMALL_PERIOD);

	private final byte[] largeKey = Orders.bytes(BenchApplication.KEY_PREFIX + LARGE_PERIOD);

	private ConfigurableApplicationContext context;

	private OrderCacheService service;

	private BenchRedis redis;

	@Setup
	public void start() {
		this.context = BenchApplication.start(BenchRedis.url(), false, Map.of());
		this.service = this.context.getBean(OrderCacheService.class);
		this.redis = new BenchRedis(BenchRedis.url());
		long ttl = TimeUnit.HOURS.toMillis(1);
		this.redis.pipelinedMultiHset(this.smallKey, Orders.encoded(Orders.period(SMALL_PERIOD, SMALL)), PAGE, ttl);
		for (int from = 0; from < LARGE; from += SMALL) {
			List<BenchOrder> slice = new ArrayList<>(SMALL);
			for (int i = from; i < from + SMALL; i++) {
				slice.add(BenchOrder.of(LARGE_PERIOD, i));
			}
			this.redis.pipelinedMultiHset(this.largeKey, Orders.encoded(slice), PAGE, ttl);
		}
	}

	@TearDown
	public void stop() {
		this.redis.sync().del(this.smallKey, this.largeKey);
		this.redis.close();
		this.context.close();
	}

	/**
	 * ordercache: 10,000 orders by {@code getOrdersByPeriod}.
	 * @return the orders
	 */
	@Benchmark
	public List<BenchOrder> getOrdersByPeriod() {
		return expect(this.service.getOrdersByPeriod(SMALL_PERIOD, BenchOrder.class), SMALL);
	}

	/**
	 * Raw: HGETALL and Jackson decode of 10,000 orders.
	 * @return the orders
	 */
	@Benchmark
	public List<BenchOrder> rawHgetall() {
		return hgetall((json) -> Orders.READER.readValue(json));
	}

	/**
	 * Raw: HGETALL of 10,000 orders, decoded by ordercache's own decoder.
	 * @return the orders
	 */
	@Benchmark
	public List<BenchOrder> rawHgetallSameDecoder() {
		return hgetall((json) -> Orders.CODEC.decode(json, BenchOrder.class));
	}

	private List<BenchOrder> hgetall(Function<byte[], BenchOrder> decoder) {
		Map<byte[], byte[]> hash = this.redis.sync().hgetall(this.smallKey);
		List<BenchOrder> orders = new ArrayList<>(hash.size());
		hash.values().forEach((json) -> orders.add(decoder.apply(json)));
		return expect(orders, SMALL);
	}

	/**
	 * ordercache: 200,000 orders by {@code streamOrdersByPeriod}.
	 * @param blackhole takes each order
	 */
	@Benchmark
	public void streamOrdersByPeriod(Blackhole blackhole) {
		long[] count = { 0 };
		try (Stream<BenchOrder> orders = this.service.streamOrdersByPeriod(LARGE_PERIOD, BenchOrder.class)) {
			orders.forEach((order) -> {
				blackhole.consume(order);
				count[0]++;
			});
		}
		expect(count[0], LARGE);
	}

	/**
	 * Raw: HSCAN of 200,000 orders, {@value #PAGE} per page, each decoded.
	 * @param blackhole takes each order
	 */
	@Benchmark
	public void rawHscan(Blackhole blackhole) {
		hscan(blackhole, (json) -> Orders.READER.readValue(json));
	}

	/**
	 * Raw: HSCAN of 200,000 orders, {@value #PAGE} per page, decoded by ordercache's own decoder.
	 * @param blackhole takes each order
	 */
	@Benchmark
	public void rawHscanSameDecoder(Blackhole blackhole) {
		hscan(blackhole, (json) -> Orders.CODEC.decode(json, BenchOrder.class));
	}

	private void hscan(Blackhole blackhole, Function<byte[], BenchOrder> decoder) {
		long count = 0;
		ScanCursor cursor = ScanCursor.INITIAL;
		MapScanCursor<byte[], byte[]> page;
		do {
			page = this.redis.sync().hscan(this.largeKey, cursor, ScanArgs.Builder.limit(PAGE));
			for (byte[] json : page.getMap().values()) {
				blackhole.consume(decoder.apply(json));
				count++;
			}
			cursor = page;
		}
		while (!page.isFinished());
		expect(count, LARGE);
	}

	private static <T> List<T> expect(List<T> orders, int expected) {
		expect(orders.size(), expected);
		return orders;
	}

	private static void expect(long count, int expected) {
		if (count != expected) {
			throw new IllegalStateException("Read " + count + " orders, expected " + expected);
		}
	}

}
