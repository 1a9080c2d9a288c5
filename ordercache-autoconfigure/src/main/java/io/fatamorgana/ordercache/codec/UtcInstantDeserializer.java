package io.fatamorgana.ordercache.codec;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

import com.fasterxml.jackson.annotation.JsonFormat;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;

/**
 * Reads instants in the form the codec writes them, {@code 2024-12-01T10:00:00Z} with an optional
 * fraction of 1 to 9 digits, by hand: Jackson's {@link InstantDeserializer} goes through a
 * {@code DateTimeFormatter}, which took about 580 ns per instant, two thirds of decoding a
 * seed-shaped order. Any other text (offsets, leap seconds, numbers, invalid dates) and every
 * property with a {@code @JsonFormat} of its own go to Jackson's deserializer, so what is accepted
 * and what it means does not change.
 */
final class UtcInstantDeserializer extends StdDeserializer<Instant> {

	private static final int[] SCALE = { 0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1 };

	private final ValueDeserializer<?> standard;

	UtcInstantDeserializer() {
		this(InstantDeserializer.INSTANT);
	}

	private UtcInstantDeserializer(ValueDeserializer<?> standard) {
		super(Instant.class);
		this.standard = standard;
	}

	@Override
	public ValueDeserializer<?> createContextual(DeserializationContext context, @Nullable BeanProperty property) {
		ValueDeserializer<?> standard = InstantDeserializer.INSTANT.createContextual(context, property);
		JsonFormat.Value format = findFormatOverrides(context, property, Instant.class);
		boolean ownFormat = format != null && (format.hasPattern() || format.hasTimeZone() || format.hasLocale());
		return ownFormat ? standard : new UtcInstantDeserializer(standard);
	}

	@Override
	public Instant deserialize(JsonParser parser, DeserializationContext context) {
		if (parser.hasToken(JsonToken.VALUE_STRING)) {
			Instant instant = parse(parser.getStringCharacters(), parser.getStringOffset(), parser.getStringLength());
			if (instant != null) {
				return instant;
			}
		}
		return (Instant) this.standard.deserialize(parser, context);
	}

	/**
	 * Parses {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}.
	 * @return the instant, or {@code null} when the text has any other form or is not a valid date
	 */
	static @Nullable Instant parse(char[] text, int offset, int length) {
		int zone = offset + length - 1;
		if (length < 20 || length > 30 || text[zone] != 'Z' || text[offset + 4] != '-' || text[offset + 7] != '-'
				|| text[offset + 10] != 'T' || text[offset + 13] != ':' || text[offset + 16] != ':') {
			return null;
		}
		int year = digits(text, offset, 4);
		int month = digits(text, offset + 5, 2);
		int day = digits(text, offset + 8, 2);
		int hour = digits(text, offset + 11, 2);
		int minute = digits(text, offset + 14, 2);
		int second = digits(text, offset + 17, 2);
		int nanos = 0;
		int fraction = zone - (offset + 20);
		if (fraction >= 0) {
			if (text[offset + 19] != '.' || fraction < 1 || fraction > 9) {
				return null;
			}
			int value = digits(text, offset + 20, fraction);
			nanos = (value >= 0) ? value * SCALE[fraction] : -1;
		}
		if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
				|| second < 0 || second > 59 || nanos < 0
				|| day > Month.of(month).length(Year.isLeap(year))) {
			return null;
		}
		long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400 + hour * 3_600 + minute * 60 + second;
		return Instant.ofEpochSecond(epochSecond, nanos);
	}

	private static int digits(char[] text, int from, int count) {
		int value = 0;
		for (int i = from; i < from + count; i++) {
			int digit = text[i] - '0';
			if (digit < 0 || digit > 9) {
				return -1;
			}
			value = value * 10 + digit;
		}
		return value;
	}

}
