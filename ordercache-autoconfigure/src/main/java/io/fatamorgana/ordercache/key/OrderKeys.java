package io.fatamorgana.ordercache.key;

import org.jspecify.annotations.Nullable;

/**
 * Validates period and order numbers and names the Redis key of a period. Both must be 1 to
 * {@value #MAX_LENGTH} characters from {@code [A-Za-z0-9_:.-]}: no glob characters that would make a
 * SCAN pattern match other keys, no spaces or control characters that would break a log line.
 */
public final class OrderKeys {

	/** The longest period, order number or key prefix accepted. */
	public static final int MAX_LENGTH = 128;

	private final String prefix;

	/**
	 * Creates key naming for a prefix.
	 * @param prefix the key prefix, such as {@code fataMorgana_}
	 * @throws IllegalArgumentException if the prefix is invalid
	 */
	public OrderKeys(String prefix) {
		this.prefix = requireValid("key prefix", prefix);
	}

	/**
	 * The key prefix, such as {@code fataMorgana_}.
	 * @return the prefix
	 */
	public String prefix() {
		return this.prefix;
	}

	/**
	 * The Redis key of a period's hash.
	 * @param period a period number
	 * @return the key, such as {@code fataMorgana_20241201_001}
	 * @throws IllegalArgumentException if the period number is invalid
	 */
	public String periodKey(@Nullable String period) {
		return this.prefix + requireValid("period number", period);
	}

	/**
	 * Checks an order number.
	 * @param orderNo an order number
	 * @return the order number
	 * @throws IllegalArgumentException if it is invalid
	 */
	public String orderNo(@Nullable String orderNo) {
		return requireValid("order number", orderNo);
	}

	/**
	 * Checks a value against the rules for periods, order numbers and prefixes.
	 * @param field what the value is, for the message
	 * @param value the value
	 * @return the value
	 * @throws IllegalArgumentException naming the field if the value is invalid
	 */
	public static String requireValid(String field, @Nullable String value) {
		String problem = problem(value);
		if (problem != null) {
			throw new IllegalArgumentException("Invalid " + field + " " + quote(value) + ": " + problem);
		}
		return value;
	}

	private static @Nullable String problem(@Nullable String value) {
		if (value == null) {
			return "must not be null";
		}
		if (value.isEmpty()) {
			return "must not be empty";
		}
		if (value.length() > MAX_LENGTH) {
			return "must be at most " + MAX_LENGTH + " characters long but has " + value.length();
		}
		if (!isValid(value)) {
			return "may only contain letters A-Z and a-z, digits and the characters _ : . -";
		}
		return null;
	}

	/** {@code [A-Za-z0-9_:.-]+}, checked without a regular expression: it runs on every call. */
	private static boolean isValid(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':'
					|| c == '.' || c == '-')) {
				return false;
			}
		}
		return true;
	}

	private static String quote(@Nullable String value) {
		if (value == null) {
			return "null";
		}
		String shown = (value.length() > 40) ? value.substring(0, 40) + "..." : value;
		StringBuilder quoted = new StringBuilder("'");
		shown.codePoints().forEach((c) -> {
			if (c >= 0x20 && c < 0x7f) {
				quoted.appendCodePoint(c);
			}
			else {
				quoted.append(String.format("\\u%04x", c));
			}
		});
		return quoted.append('\'').toString();
	}

}
