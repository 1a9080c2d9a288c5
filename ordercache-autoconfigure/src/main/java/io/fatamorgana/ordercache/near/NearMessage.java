package io.fatamorgana.ordercache.near;

import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A message on the near cache's channel (docs/protocol.md, "Near cache"). Keys, order numbers and
 * instance ids hold no spaces ({@link io.fatamorgana.ordercache.key.OrderKeys}), so the fields are
 * separated by single spaces:
 * <ul>
 * <li>{@code o <key> <epoch> <sequence> <order>...}: the orders named changed; the period's token
 * after the change;</li>
 * <li>{@code p <key> <epoch> <sequence>}: every order of the period may have changed (a drop);</li>
 * <li>{@code h <instance> <nanos>}: a heartbeat of an instance, with its clock when sent.</li>
 * </ul>
 * @param key the period's key ({@code null} for a heartbeat)
 * @param epoch the period's epoch after the change
 * @param sequence the period's change sequence after the change
 * @param orders the orders that changed (none for a whole period)
 * @param wholePeriod whether every order of the period may have changed
 * @param instance the id of the instance that sent a heartbeat ({@code null} otherwise)
 * @param sentNanos the sender's {@link System#nanoTime()} when it sent a heartbeat
 */
record NearMessage(@Nullable String key, long epoch, long sequence, List<String> orders, boolean wholePeriod,
		@Nullable String instance, long sentNanos) {

	/**
	 * Reads a message.
	 * @param text the message as received
	 * @return the message, or {@code null} if it is not one of ours
	 */
	static @Nullable NearMessage parse(String text) {
		String[] parts = text.split(" ");
		try {
			if (parts.length >= 4 && (parts[0].equals("o") || parts[0].equals("p"))) {
				return new NearMessage(parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3]),
						List.of(Arrays.copyOfRange(parts, 4, parts.length)), parts[0].equals("p"), null, 0);
			}
			if (parts.length == 3 && parts[0].equals("h")) {
				return new NearMessage(null, 0, 0, List.of(), false, parts[1], Long.parseLong(parts[2]));
			}
		}
		catch (NumberFormatException ex) {
			// not ours
		}
		return null;
	}

	static String heartbeat(String instance, long sentNanos) {
		return "h " + instance + " " + sentNanos;
	}

	boolean isHeartbeat() {
		return this.instance != null;
	}

}
