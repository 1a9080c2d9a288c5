package com.example.purchases;

import java.util.regex.Pattern;

import io.fatamorgana.ordercache.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's startup log, as its developer sees it: no warning, no error, and no message
 * about Redis repositories, which the application does not have.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class StartupLogTests {

	/** A line of Spring Boot's console format logged at WARN or ERROR. */
	private static final Pattern WARN_OR_ERROR = Pattern.compile("^\\S+\\s+(WARN|ERROR)\\s");

	private static final TestDatabase database = TestDatabase.pick();

	/** Found before the application starts, so that what finding it logs is not in its log. */
	private static final String redisUrl = TestRedis.url();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		database.register(registry);
		registry.add("spring.data.redis.url", () -> redisUrl);
	}

	@AfterAll
	static void cleanUp() {
		database.drop();
	}

	@Test
	void startsWithoutWarningsOrRedisRepositoryMessages(CapturedOutput output) {
		String all = output.getAll();
		// From this application's first line on: other test classes' applications log here too.
		int start = all.indexOf("Starting StartupLogTests");
		assertThat(start).as("start of the startup log").isNotNegative();
		String log = all.substring(start);
		assertThat(log).contains("Started StartupLogTests");
		assertThat(log.lines().filter((line) -> WARN_OR_ERROR.matcher(line).find())).isEmpty();
		assertThat(log).doesNotContain("Could not safely identify store assignment").doesNotContain("Redis repositor");
		// One INFO line stays, "Multiple Spring Data modules found, entering strict repository
		// configuration mode": Spring Data logs it whenever two of its modules are on the classpath
		// (Redis, for the connection, and JPA), whatever the configuration.
	}

}
