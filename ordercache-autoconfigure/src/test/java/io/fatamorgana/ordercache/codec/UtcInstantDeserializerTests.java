package io.fatamorgana.ordercache.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

import com.fasterxml.jackson.annotation.JsonFormat;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The codec's own instant parsing must read exactly what Jackson's reads, and leave everything else
 * to it.
 */
class UtcInstantDeserializerTests {

	private final OrderCodec codec = new OrderCodec();

	private final JsonMapper jackson = JsonMapper.builder().build();

	@Test
	void readsWhatJacksonReadsForRandomInstantsWithEveryFractionLength() {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		for (int i = 0; i < 20_000; i++) {
			Instant instant = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_799L),
					random.nextInt(1_000_000_000));
			String nanos = String.format("%09d", instant.getNano());
			String text = instant.toString().substring(0, 19) + "." + nanos.substring(0, 1 + random.nextInt(9)) + "Z";
			assertThat(read(text)).as("%s (seed %d)", text, seed).isEqualTo(readWithJackson(text));
			assertThat(read(instant.toString())).as("%s (seed %d)", instant, seed).isEqualTo(instant);
		}
	}

	@Test
	void readsTheEdgesOfTheCalendar() {
		for (String text : new String[] { "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
				"2024-02-29T12:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z" }) {
			assertThat(read(text)).as(text).isEqualTo(readWithJackson(text));
		}
	}

	@Test
	void leavesOtherFormsToJackson() {
		for (String text : new String[] { "2024-12-01T10:00:00+08:00", "2024-12-01T10:00:00.Z",
				"+12024-12-01T10:00:00Z", "2024-12-01T10:00:00.1234567890Z" }) {
			assertThat(UtcInstantDeserializer.parse(text.toCharArray(), 0, text.length())).as(text).isNull();
		}
		assertThat(read("2024-12-01T18:00:00+08:00")).isEqualTo(Instant.parse("2024-12-01T10:00:00Z"));
		assertThat(read("1733047200")).isEqualTo(Instant.parse("2024-12-01T10:00:00Z"));
		// ISO-8601's end of day, which Jackson accepts as the next day's midnight.
		assertThat(UtcInstantDeserializer.parse("2024-12-01T24:00:00Z".toCharArray(), 0, 20)).isNull();
		assertThat(read("2024-12-01T24:00:00Z")).isEqualTo(readWithJackson("2024-12-01T24:00:00Z"));
	}

	@Test
	void rejectsInvalidDatesAsJacksonDoes() {
		for (String text : new String[] { "2023-02-29T10:00:00Z", "2024-13-01T10:00:00Z", "2024-12-01T10:00:61Z",
				"2024-12-01T10:60:00Z", "2024-12-0xT10:00:00Z", "not a date" }) {
			assertThat(UtcInstantDeserializer.parse(text.toCharArray(), 0, text.length())).as(text).isNull();
			assertThatExceptionOfType(JacksonException.class).as(text).isThrownBy(() -> read(text));
		}
	}

	@Test
	void leavesPropertiesWithTheirOwnFormatToJackson() {
		byte[] json = "{\"at\":\"2024-12-01T18:00:00Z\"}".getBytes(StandardCharsets.UTF_8);
		// The pattern's literal Z is not UTC here: the time is in the zone of the annotation.
		assertThat(this.codec.decode(json, ShanghaiTime.class).at()).isEqualTo(Instant.parse("2024-12-01T10:00:00Z"));
	}

	private Instant read(String text) {
		return this.codec.decode(("{\"at\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8), Timestamped.class)
			.at();
	}

	private Instant readWithJackson(String text) {
		return this.jackson.readValue("{\"at\":\"" + text + "\"}", Timestamped.class).at();
	}

	record Timestamped(Instant at) {
	}

	record ShanghaiTime(
			@JsonFormat(pattern = "yyyy-MM-dd'T'HH:mm:ss'Z'", timezone = "Asia/Shanghai") Instant at) {
	}

}
