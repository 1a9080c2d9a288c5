package io.fatamorgana.ordercache.sample;

import io.fatamorgana.ordercache.test.TestRedis;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The end-to-end suite on the default in-memory H2 database.
 */
class H2OrderApiTests extends OrderApiTests {

	private static final String PREFIX = TestRedis.uniquePrefix(H2OrderApiTests.class);

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

}
