package io.fatamorgana.ordercache.sample;

import io.fatamorgana.ordercache.sample.test.TestDatabase;
import io.fatamorgana.ordercache.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIf;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The end-to-end suite on MariaDB at 127.0.0.1:3306, in a schema of its own; skipped when the server
 * does not answer.
 */
@EnabledIf(value = "answers", disabledReason = "MariaDB does not answer on 127.0.0.1:3306")
class MariaDbOrderApiTests extends OrderApiTests {

	private static final TestDatabase DATABASE = TestDatabase.MARIADB;

	private static final String PREFIX = TestRedis.uniquePrefix(MariaDbOrderApiTests.class);

	private static final String SCHEMA = DATABASE.newSchema(MariaDbOrderApiTests.class);

	static boolean answers() {
		return DATABASE.answers();
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("ordercache.key-prefix", () -> PREFIX);
		DATABASE.useNewSchema(SCHEMA, registry);
	}

	@AfterAll
	void dropSchema() {
		DATABASE.dropSchema(SCHEMA);
	}

}
