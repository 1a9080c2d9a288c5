package io.fatamorgana.ordercache.jdbc;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import io.fatamorgana.ordercache.autoconfigure.PendingEvictionsDataSourceScriptDatabaseInitializer;
import io.fatamorgana.ordercache.autoconfigure.PendingEvictionsJdbcProperties;
import io.fatamorgana.ordercache.support.PendingEvictionStore.Eviction;
import io.fatamorgana.ordercache.support.PendingEvictionStore.Stored;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pending evictions table on every database the schema is shipped for: H2 always, PostgreSQL
 * and MariaDB when they answer (skipped otherwise). The table is created by the shipped scripts,
 * as {@code initialize-schema=always} runs them.
 */
class JdbcPendingEvictionStoreTests {

	@ParameterizedTest
	@EnumSource(TestDatabases.class)
	void theShippedScriptCreatesTheTableAndRunsTwiceWithoutHarm(TestDatabases database) {
		inSchema(database, (dataSource, schema) -> {
			initialize(dataSource, JdbcPendingEvictionStore.DEFAULT_TABLE_NAME);
			initialize(dataSource, JdbcPendingEvictionStore.DEFAULT_TABLE_NAME);
			new JdbcPendingEvictionStore(dataSource, JdbcPendingEvictionStore.DEFAULT_TABLE_NAME, Duration.ofSeconds(2))
				.checkTable();
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabases.class)
	void aMissingTableIsABadSqlGrammarExceptionNamingIt(TestDatabases database) {
		inSchema(database, (dataSource, schema) -> {
			JdbcPendingEvictionStore store = new JdbcPendingEvictionStore(dataSource, "no_such_table",
					Duration.ofSeconds(2));
			assertThatExceptionOfType(BadSqlGrammarException.class).isThrownBy(store::checkTable)
				.withMessageContaining("no_such_table");
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabases.class)
	void evictionsAreReadOldestFirstForTheirKeyPrefixOnlyAndDeletedByIdOnly(TestDatabases database) {
		inSchema(database, (dataSource, schema) -> {
			initialize(dataSource, JdbcPendingEvictionStore.DEFAULT_TABLE_NAME);
			JdbcPendingEvictionStore store = new JdbcPendingEvictionStore(dataSource,
					JdbcPendingEvictionStore.DEFAULT_TABLE_NAME, Duration.ofSeconds(2));
			store.add(List.of(new Eviction("oc_P1", "A"), new Eviction("oc_P2", null)));
			// '_' of the prefix is a LIKE wildcard unless escaped: "ocXP1" must not be read as "oc_".
			store.add(List.of(new Eviction("ocXP1", "B"), new Eviction("other_P1", "C"), Eviction.everything("oc_")));
			List<Stored> read = store.oldest("oc_", 10);
			assertThat(read).extracting(Stored::eviction)
				.containsExactly(new Eviction("oc_P1", "A"), new Eviction("oc_P2", null), new Eviction("oc_*", null));
			assertThat(read).extracting(Stored::id).isSorted();
			assertThat(store.oldest("oc_", 2)).hasSize(2);
			store.remove(List.of(read.get(0).id(), read.get(2).id()));
			assertThat(store.oldest("oc_", 10)).extracting(Stored::eviction)
				.containsExactly(new Eviction("oc_P2", null));
			assertThat(store.oldest("other_", 10)).extracting(Stored::eviction)
				.containsExactly(new Eviction("other_P1", "C"));
			printPollCost(database, schema);
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabases.class)
	void aConfiguredTableNameIsCreatedByTheShippedScript(TestDatabases database) {
		inSchema(database, (dataSource, schema) -> {
			initialize(dataSource, "oc_evictions_elsewhere");
			JdbcPendingEvictionStore store = new JdbcPendingEvictionStore(dataSource, "oc_evictions_elsewhere",
					Duration.ofSeconds(2));
			store.checkTable();
			store.add(List.of(new Eviction("oc_P1", "A")));
			assertThat(store.oldest("oc_", 10)).hasSize(1);
			assertThat(store.describe()).isEqualTo("jdbc (table oc_evictions_elsewhere)");
		});
	}

	/**
	 * The cost of the poll every instance sends each poll interval while the table holds nothing of
	 * its prefix, on a connection kept open as a pool would.
	 */
	private static void printPollCost(TestDatabases database, String schema) {
		SingleConnectionDataSource pooled = new SingleConnectionDataSource(database.url(schema), database.username(),
				"", true);
		try {
			JdbcPendingEvictionStore store = new JdbcPendingEvictionStore(pooled,
					JdbcPendingEvictionStore.DEFAULT_TABLE_NAME, Duration.ofSeconds(2));
			store.remove(store.oldest("oc_", 10).stream().map(Stored::id).toList());
			for (int i = 0; i < 200; i++) {
				store.oldest("oc_", 1000);
			}
			int polls = 1000;
			long start = System.nanoTime();
			for (int i = 0; i < polls; i++) {
				store.oldest("oc_", 1000);
			}
			long micros = (System.nanoTime() - start) / 1000 / polls;
			System.out.println("JdbcPendingEvictionStoreTests: " + database + " poll of an empty table: " + micros
					+ " us per poll (" + polls + " polls, one open connection)");
		}
		finally {
			pooled.destroy();
		}
	}

	static void initialize(DataSource dataSource, String tableName) {
		PendingEvictionsJdbcProperties properties = new PendingEvictionsJdbcProperties();
		properties.setInitializeSchema(DatabaseInitializationMode.ALWAYS);
		properties.setContinueOnError(false);
		properties.setTableName(tableName);
		PendingEvictionsDataSourceScriptDatabaseInitializer initializer = new PendingEvictionsDataSourceScriptDatabaseInitializer(
				dataSource, properties);
		initializer.setResourceLoader(new DefaultResourceLoader());
		assertThat(initializer.initializeDatabase()).as("a script ran").isTrue();
	}

	private static void inSchema(TestDatabases database, SchemaTest test) {
		assumeTrue(database.answers(), () -> database + " does not answer; skipped");
		String schema = database.newSchema(JdbcPendingEvictionStoreTests.class);
		try {
			test.run(database.dataSource(schema), schema);
		}
		finally {
			database.drop(schema);
		}
	}

	private interface SchemaTest {

		void run(DataSource dataSource, String schema);

	}

}
