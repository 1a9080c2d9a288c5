package io.fatamorgana.ordercache.sample.order;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import io.fatamorgana.ordercache.OrderCacheException;
import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.PeriodPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * {@link CacheResetOnVolatileDatabase} on its own, with a stand-in for the cache: which databases
 * make it drop the cached periods, and that it never fails startup.
 */
@ExtendWith(OutputCaptureExtension.class)
class CacheResetOnVolatileDatabaseTests {

	private final OrderCacheService cache = mock(OrderCacheService.class);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Properties.class, CacheResetOnVolatileDatabase.class)
		.withBean(OrderCacheService.class, () -> this.cache);

	@Test
	void onPostgresqlNothingIsDropped() {
		this.runner.withBean(DataSource.class, () -> server("PostgreSQL", "jdbc:postgresql://127.0.0.1:5432/test"))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(CacheResetOnVolatileDatabase.class);
				verifyNoInteractions(this.cache);
			});
	}

	@Test
	void onMariadbNothingIsDropped() {
		this.runner.withBean(DataSource.class, () -> server("MariaDB", "jdbc:mariadb://127.0.0.1:3306/test"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				verifyNoInteractions(this.cache);
			});
	}

	@Test
	void onAnH2FileNothingIsDropped(@TempDir Path directory) {
		String url = "jdbc:h2:file:" + directory.resolve("orders").toAbsolutePath();
		this.runner.withBean(DataSource.class, () -> new DriverManagerDataSource(url, "sa", "")).run((context) -> {
			assertThat(context).hasNotFailed();
			verifyNoInteractions(this.cache);
		});
	}

	@Test
	void onAnInMemoryH2EveryCachedPeriodIsDroppedPageByPage(CapturedOutput output) {
		given(this.cache.cachedPeriods(isNull(), anyInt())).willReturn(new PeriodPage(List.of("p1", "p2"), "7"));
		given(this.cache.cachedPeriods("7", 500)).willReturn(new PeriodPage(List.of("p3"), null));
		given(this.cache.deletePeriodOrders("p1")).willReturn(true);
		given(this.cache.deletePeriodOrders("p3")).willReturn(true);
		this.runner.withBean(DataSource.class, CacheResetOnVolatileDatabaseTests::inMemory).run((context) -> {
			assertThat(context).hasNotFailed();
			verify(this.cache).deletePeriodOrders("p1");
			verify(this.cache).deletePeriodOrders("p2");
			verify(this.cache).deletePeriodOrders("p3");
		});
		assertThat(output).contains("Dropped 3 cached periods of key prefix", "(2 with orders)",
				"the database is in memory and did not survive the restart");
	}

	@Test
	void canBeTurnedOff() {
		this.runner.withPropertyValues("sample.cache.reset-on-volatile-database=false")
			.withBean(DataSource.class, CacheResetOnVolatileDatabaseTests::inMemory)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				verifyNoInteractions(this.cache);
			});
	}

	@Test
	void aRedisThatDoesNotAnswerNeverFailsStartup(CapturedOutput output) {
		given(this.cache.cachedPeriods(isNull(), anyInt()))
			.willThrow(new OrderCacheException("Could not list the periods", new IllegalStateException("down")));
		this.runner.withBean(DataSource.class, CacheResetOnVolatileDatabaseTests::inMemory).run((context) -> {
			assertThat(context).hasNotFailed();
			verify(this.cache, never()).deletePeriodOrders(anyString());
		});
		assertThat(output).contains("Could not drop the cached periods", "Could not list the periods");
	}

	@Test
	void aFailedDropIsLeftToTheCacheAndTheOthersAreStillDropped(CapturedOutput output) {
		given(this.cache.cachedPeriods(isNull(), anyInt())).willReturn(new PeriodPage(List.of("p1", "p2"), null));
		given(this.cache.deletePeriodOrders("p1"))
			.willThrow(new OrderCacheException("Could not drop p1", new IllegalStateException("timeout")));
		given(this.cache.deletePeriodOrders("p2")).willReturn(true);
		this.runner.withBean(DataSource.class, CacheResetOnVolatileDatabaseTests::inMemory).run((context) -> {
			assertThat(context).hasNotFailed();
			verify(this.cache).deletePeriodOrders("p2");
		});
		assertThat(output).contains("Dropped 1 cached period of", "1 more to be dropped when Redis answers again");
	}

	@Test
	void withTheCacheOffThereIsNothingToDo() {
		new ApplicationContextRunner().withUserConfiguration(Properties.class, CacheResetOnVolatileDatabase.class)
			.withBean(DataSource.class, CacheResetOnVolatileDatabaseTests::inMemory)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	private static DataSource inMemory() {
		return new DriverManagerDataSource("jdbc:h2:mem:cache-reset-tests", "sa", "");
	}

	private static DataSource server(String productName, String url) {
		try {
			DatabaseMetaData metaData = mock(DatabaseMetaData.class);
			given(metaData.getDatabaseProductName()).willReturn(productName);
			given(metaData.getURL()).willReturn(url);
			Connection connection = mock(Connection.class);
			given(connection.getMetaData()).willReturn(metaData);
			DataSource dataSource = mock(DataSource.class);
			given(dataSource.getConnection()).willReturn(connection);
			return dataSource;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@EnableConfigurationProperties(SampleProperties.class)
	static class Properties {

	}

}
