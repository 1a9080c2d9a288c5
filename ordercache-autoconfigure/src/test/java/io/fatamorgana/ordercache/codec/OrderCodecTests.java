package io.fatamorgana.ordercache.codec;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;

import io.fatamorgana.ordercache.TestOrder;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

public class OrderCodecTests {

	/** The example of the design document, verbatim. */
	public static final String SEED_EXAMPLE = """
			{
			    "order_no": "ORDER_20241201_001_001",
			    "uid": "user123",
			    "period_number": "20241201_001",
			    "amount": 100.00,
			    "profit_amount": 5.00,
			    "like_count": 10,
			    "share_count": 5,
			    "follow_count": 3,
			    "favorite_count": 2,
			    "status": "pending",
			    "expire_time": "2024-12-01T10:05:00Z",
			    "created_at": "2024-12-01T10:00:00Z",
			    "updated_at": "2024-12-01T10:00:00Z"
			}
			""";

	private final OrderCodec codec = new OrderCodec();

	@Test
	void encodesTheSeedExampleFieldByField() {
		String json = new String(this.codec.encode(TestOrder.seedExample()), StandardCharsets.UTF_8);
		assertSameFieldsAsTheSeedExample(json);
		assertThat(json).contains("\"amount\":100.00", "\"profit_amount\":5.00")
			.doesNotContain("@class", "TestOrder", "E+");
	}

	/**
	 * Compares stored JSON with the design document's example field by field, decimals by their
	 * exact text ({@code 100.00}, not {@code 100.0}).
	 * @param json the stored JSON
	 */
	public static void assertSameFieldsAsTheSeedExample(String json) {
		JsonMapper exact = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
		JsonNode stored = exact.readTree(json);
		JsonNode seed = exact.readTree(SEED_EXAMPLE);
		assertThat(stored.propertyNames()).containsExactlyInAnyOrderElementsOf(seed.propertyNames());
		for (String field : seed.propertyNames()) {
			assertThat(stored.get(field).getNodeType()).as(field).isEqualTo(seed.get(field).getNodeType());
			assertThat(stored.get(field).asString()).as(field).isEqualTo(seed.get(field).asString());
		}
	}

	@Test
	void readsTheSeedExampleExactly() {
		TestOrder order = this.codec.decode(SEED_EXAMPLE.getBytes(StandardCharsets.UTF_8), TestOrder.class);
		assertThat(order).usingRecursiveComparison().isEqualTo(TestOrder.seedExample());
		assertThat(order.getAmount()).isEqualTo(new BigDecimal("100.00"));
	}

	@Test
	void writesOffsetTimestampsInUtc() {
		String json = new String(this.codec.encode(new Stamped(OffsetDateTime.parse("2024-12-01T18:00:00+08:00"),
				Instant.parse("2024-12-01T10:00:00.123Z"))), StandardCharsets.UTF_8);
		assertThat(json).isEqualTo("{\"local_time\":\"2024-12-01T10:00:00Z\",\"at\":\"2024-12-01T10:00:00.123Z\"}");
	}

	@Test
	void writesLargeAndSmallDecimalsPlainAndExact() {
		String json = new String(this.codec.encode(new Money(new BigDecimal("1E+3"), new BigDecimal("0.10"))),
				StandardCharsets.UTF_8);
		assertThat(json).isEqualTo("{\"big\":1000,\"small\":0.10}");
	}

	@Test
	void ignoresUnknownFields() {
		byte[] json = "{\"order_no\":\"A\",\"period_number\":\"P\",\"added_later\":{\"x\":1}}"
			.getBytes(StandardCharsets.UTF_8);
		assertThat(this.codec.decode(json, TestOrder.class).getOrderNo()).isEqualTo("A");
	}

	@Test
	void readsRecords() {
		byte[] json = this.codec.encode(new Money(BigDecimal.ONE, BigDecimal.TEN));
		assertThat(this.codec.decode(json, Money.class)).isEqualTo(new Money(BigDecimal.ONE, BigDecimal.TEN));
	}

	@Test
	void rejectsGarbageAndJsonNull() {
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> this.codec.decode("{not json".getBytes(StandardCharsets.UTF_8), TestOrder.class));
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> this.codec.decode("[1,2]".getBytes(StandardCharsets.UTF_8), TestOrder.class));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.codec.decode("null".getBytes(StandardCharsets.UTF_8), TestOrder.class));
	}

	record Stamped(OffsetDateTime localTime, Instant at) {
	}

	record Money(BigDecimal big, BigDecimal small) {
	}

}
