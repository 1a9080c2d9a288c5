package io.fatamorgana.ordercache.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PendingEvictionsTests {

	private final PendingEvictions pending = new PendingEvictions(3);

	@Test
	void coversRememberedOrdersAndPeriods() {
		this.pending.order("k1", "A");
		this.pending.period("k2");
		assertThat(this.pending.covers("k1", "A")).isTrue();
		assertThat(this.pending.covers("k1", "B")).isFalse();
		assertThat(this.pending.coversPeriod("k1")).isTrue();
		assertThat(this.pending.covers("k2", "anything")).isTrue();
		assertThat(this.pending.covers("k3", "A")).isFalse();
		assertThat(this.pending.size()).isEqualTo(2);
	}

	@Test
	void rememberingTheSameEvictionTwiceTakesOnePlace() {
		this.pending.order("k1", "A");
		this.pending.order("k1", "A");
		this.pending.period("k2");
		this.pending.period("k2");
		assertThat(this.pending.size()).isEqualTo(2);
	}

	@Test
	void whenEvenAPeriodFindsNoRoomEverythingIsDropped() {
		this.pending.order("k1", "A");
		this.pending.order("k2", "B");
		this.pending.order("k3", "C");
		this.pending.order("k4", "D");
		assertThat(this.pending.everything()).isTrue();
		assertThat(this.pending.covers("k9", "Z")).isTrue();
		PendingEvictions.Position start = this.pending.everythingPosition();
		this.pending.replayedEverythingUpTo(start, "0:42");
		assertThat(this.pending.everything()).as("more pages to go").isTrue();
		assertThat(this.pending.everythingPosition().cursor()).isEqualTo("0:42");
		this.pending.replayedEverythingUpTo(this.pending.everythingPosition(), null);
		assertThat(this.pending.isEmpty()).isTrue();
		assertThat(this.pending.size()).isZero();
	}

	@Test
	void aFailureDuringTheReplayOfEverythingStartsItAgain() {
		this.pending.order("k1", "A");
		this.pending.order("k2", "B");
		this.pending.order("k3", "C");
		this.pending.order("k4", "D");
		PendingEvictions.Position first = this.pending.everythingPosition();
		this.pending.replayedEverythingUpTo(first, "0:42");
		PendingEvictions.Position second = this.pending.everythingPosition();
		this.pending.order("k1", "E");
		this.pending.replayedEverythingUpTo(second, null);
		assertThat(this.pending.everything()).as("a key the replay had passed may be stale again").isTrue();
		assertThat(this.pending.everythingPosition().cursor()).isNull();
	}

	@Test
	void beyondCapacityTheOrdersOfAPeriodBecomeOneDropOfThePeriod() {
		PendingEvictions two = new PendingEvictions(2);
		two.order("k1", "A");
		two.order("k1", "B");
		two.order("k1", "C");
		assertThat(two.periods()).containsOnlyKeys("k1");
		assertThat(two.orders()).isEmpty();
		assertThat(two.size()).isEqualTo(1);
		assertThat(two.covers("k1", "Z")).isTrue();
		two.order("k2", "D");
		two.order("k2", "E");
		assertThat(two.periods()).containsOnlyKeys("k1", "k2");
		assertThat(two.everything()).isFalse();
		two.order("k3", "F");
		assertThat(two.everything()).as("no room left even for a period").isTrue();
	}

	@Test
	void replayedEntriesFreeTheirPlace() {
		this.pending.order("k1", "A");
		this.pending.period("k2");
		PendingEvictions.Order order = new PendingEvictions.Order("k1", "A");
		this.pending.replayed(order, this.pending.orders().get(order));
		this.pending.replayed("k2", this.pending.periods().get("k2"));
		assertThat(this.pending.isEmpty()).isTrue();
		assertThat(this.pending.size()).isZero();
	}

	@Test
	void aFailureRecordedAgainWhileItsEvictionIsOnItsWayIsKept() {
		this.pending.order("k1", "A");
		this.pending.period("k2");
		PendingEvictions.Order order = new PendingEvictions.Order("k1", "A");
		long orderStamp = this.pending.orders().get(order);
		long periodStamp = this.pending.periods().get("k2");
		// The replay read the stamps and sent the evictions; the same evictions fail again meanwhile.
		this.pending.order("k1", "A");
		this.pending.order("k2", "B");
		this.pending.replayed(order, orderStamp);
		this.pending.replayed("k2", periodStamp);
		assertThat(this.pending.covers("k1", "A")).isTrue();
		assertThat(this.pending.dropsPeriod("k2")).isTrue();
		assertThat(this.pending.size()).isEqualTo(2);
	}

}
