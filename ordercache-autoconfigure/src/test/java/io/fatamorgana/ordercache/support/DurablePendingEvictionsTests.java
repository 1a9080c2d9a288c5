package io.fatamorgana.ordercache.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.fatamorgana.ordercache.autoconfigure.PendingEvictionsDataSourceScriptDatabaseInitializer;
import io.fatamorgana.ordercache.autoconfigure.PendingEvictionsJdbcProperties;
import io.fatamorgana.ordercache.jdbc.JdbcPendingEvictionStore;
import io.fatamorgana.ordercache.jdbc.TestDatabases;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.support.PendingEvictionStore.Eviction;
import io.fatamorgana.ordercache.support.PendingEvictionStore.Stored;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a replay may delete from the table (H2): only rows this instance read before the eviction
 * that replayed them was sent. The replay is played step by step here, as {@link EvictionReplay}
 * does it: read the stamps, send, forget the entries whose stamps did not change.
 */
class DurablePendingEvictionsTests {

	private String schema;

	private JdbcPendingEvictionStore table;

	private final PendingEvictions pending = new PendingEvictions(100);

	private DurablePendingEvictions durable;

	@BeforeEach
	void createTable() {
		this.schema = TestDatabases.H2.newSchema(DurablePendingEvictionsTests.class);
		DataSource dataSource = TestDatabases.H2.dataSource(this.schema);
		PendingEvictionsJdbcProperties properties = new PendingEvictionsJdbcProperties();
		properties.setInitializeSchema(DatabaseInitializationMode.ALWAYS);
		PendingEvictionsDataSourceScriptDatabaseInitializer initializer = new PendingEvictionsDataSourceScriptDatabaseInitializer(
				dataSource, properties);
		initializer.setResourceLoader(new DefaultResourceLoader());
		initializer.initializeDatabase();
		this.table = new JdbcPendingEvictionStore(dataSource, JdbcPendingEvictionStore.DEFAULT_TABLE_NAME,
				Duration.ofSeconds(2));
		this.durable = new DurablePendingEvictions(this.table, this.pending,
				new CircuitBreakers(5, Duration.ofSeconds(1)), "oc_", Duration.ofSeconds(1), Duration.ofSeconds(1),
				new FailureLog(Duration.ofHours(1)));
	}

	@AfterEach
	void dropTable() {
		TestDatabases.H2.drop(this.schema);
	}

	@Test
	void rightAfterRedisAnsweredAgainTheTableIsReadOftenNotOncePerPollInterval() {
		DurablePendingEvictions settling = new DurablePendingEvictions(this.table, this.pending,
				new CircuitBreakers(5, Duration.ofSeconds(1)), "oc_", Duration.ofMinutes(10), Duration.ofSeconds(1),
				new FailureLog(Duration.ofHours(1)));
		settling.start();
		try {
			// As the probe does when Redis answers again after an outage.
			settling.pollNow();
			// Another instance, which has not noticed Redis's return yet, stores an eviction.
			this.table.add(List.of(new Eviction("oc_P3", "B")));
			await("the row read long before the 10 min poll interval").atMost(Duration.ofSeconds(4))
				.until(() -> this.pending.covers("oc_P3", "B"));
		}
		finally {
			settling.stop(Duration.ofSeconds(2));
		}
	}

	@Test
	void aReplayDeletesOnlyTheRowsItReadAndARowWrittenDuringTheReplaySurvives() {
		this.table.add(List.of(new Eviction("oc_P1", "A"), new Eviction("oc_P2", null)));
		this.durable.pollNow();
		assertThat(this.pending.covers("oc_P1", "A")).as("read: its reads miss").isTrue();
		assertThat(this.pending.covers("oc_P2", "Z")).isTrue();
		Map<String, Long> periods = this.pending.periods();
		Map<PendingEvictions.Order, Long> orders = this.pending.orders();
		// While the replay sends these evictions, another instance fails the same ones again.
		this.table.add(List.of(new Eviction("oc_P1", "A"), new Eviction("oc_P2", null)));
		replayed(periods, orders);
		this.durable.removeReplayedNow();
		assertThat(stored()).as("written during the replay, not read by it")
			.containsExactly(new Eviction("oc_P1", "A"), new Eviction("oc_P2", null));
		this.durable.pollNow();
		assertThat(this.pending.covers("oc_P1", "A")).isTrue();
		replayed(this.pending.periods(), this.pending.orders());
		this.durable.removeReplayedNow();
		assertThat(stored()).isEmpty();
		assertThat(this.pending.isEmpty()).isTrue();
	}

	@Test
	void aRowReadWhileItsEvictionIsOnItsWayIsKeptUntilAReplaySentAfterIt() {
		this.table.add(List.of(new Eviction("oc_P1", "A")));
		this.durable.pollNow();
		Map<PendingEvictions.Order, Long> orders = this.pending.orders();
		// Read after the replay took its stamps: the eviction on its way may predate this row's change.
		this.table.add(List.of(new Eviction("oc_P1", "A")));
		this.durable.pollNow();
		replayed(Map.of(), orders);
		this.durable.removeReplayedNow();
		assertThat(stored()).hasSize(2);
		assertThat(this.pending.covers("oc_P1", "A")).isTrue();
		replayed(Map.of(), this.pending.orders());
		this.durable.removeReplayedNow();
		assertThat(stored()).isEmpty();
	}

	@Test
	void aStoredDropOfEverythingIsDeletedOnlyWhenEveryPeriodWasDropped() {
		this.table.add(List.of(Eviction.everything("oc_")));
		this.durable.pollNow();
		assertThat(this.pending.everything()).isTrue();
		PendingEvictions.Position start = this.pending.everythingPosition();
		this.pending.replayedEverythingUpTo(start, "0:17");
		this.durable.removeReplayedNow();
		assertThat(stored()).as("one SCAN page to go").hasSize(1);
		this.pending.replayedEverythingUpTo(this.pending.everythingPosition(), null);
		this.durable.removeReplayedNow();
		assertThat(stored()).isEmpty();
	}

	@Test
	void rowsOfAnotherKeyPrefixAreNeitherReadNorDeleted() {
		this.table.add(List.of(new Eviction("other_P1", "A")));
		this.durable.pollNow();
		this.durable.removeReplayedNow();
		assertThat(this.pending.isEmpty()).isTrue();
		assertThat(this.table.oldest("other_", 10)).hasSize(1);
	}

	private void replayed(Map<String, Long> periods, Map<PendingEvictions.Order, Long> orders) {
		periods.forEach(this.pending::replayed);
		orders.forEach(this.pending::replayed);
	}

	private List<Eviction> stored() {
		return this.table.oldest("oc_", 100).stream().map(Stored::eviction).toList();
	}

}
