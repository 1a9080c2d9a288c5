package io.fatamorgana.ordercache.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

import io.fatamorgana.ordercache.codec.OrderCodec;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Orders of one period and the JSON the peers use: the same seed format as ordercache's (snake_case,
 * ISO-8601 UTC, plain decimals), written and read by a plain Jackson 3 mapper, as a user of raw
 * Lettuce or of {@code RedisCacheManager} would.
 */
public final class Orders {

	/** The mapper of the seed's JSON format. */
	public static final JsonMapper MAPPER = JsonMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		.defaultTimeZone(TimeZone.getTimeZone("UTC"))
		.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
		.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	/** Writes a {@link BenchOrder}. */
	public static final ObjectWriter WRITER = MAPPER.writerFor(BenchOrder.class);

	/** Reads a {@link BenchOrder}. */
	public static final ObjectReader READER = MAPPER.readerFor(BenchOrder.class);

	/**
	 * ordercache's own JSON conversion, for raw rows that decode exactly as ordercache does, so that
	 * what differs from them is the cache and nothing else.
	 */
	public static final OrderCodec CODEC = new OrderCodec();

	private Orders() {
	}

	/**
	 * Orders of one period.
	 * @param period the period number
	 * @param count how many
	 * @return orders numbered 0 to count - 1
	 */
	public static List<BenchOrder> period(String period, int count) {
		List<BenchOrder> orders = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			orders.add(BenchOrder.of(period, i));
		}
		return orders;
	}

	/**
	 * Orders as hash fields and values, encoded beforehand.
	 * @param orders the orders
	 * @return order number (UTF-8) &rarr; JSON (UTF-8), in order
	 */
	public static Map<byte[], byte[]> encoded(List<BenchOrder> orders) {
		Map<byte[], byte[]> encoded = new LinkedHashMap<>();
		for (BenchOrder order : orders) {
			encoded.put(bytes(order.orderNo()), WRITER.writeValueAsBytes(order));
		}
		return encoded;
	}

	/**
	 * UTF-8 bytes of a string.
	 * @param value the string
	 * @return its bytes
	 */
	public static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
