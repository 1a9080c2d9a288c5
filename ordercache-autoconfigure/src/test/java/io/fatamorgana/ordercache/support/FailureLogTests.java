package io.fatamorgana.ordercache.support;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.RedisConnectionFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class FailureLogTests {

	@Test
	void logsOneWarningPerOperationAndInterval(CapturedOutput output) {
		FailureLog log = new FailureLog(Duration.ofHours(1));
		for (int i = 0; i < 5; i++) {
			log.warn("@CacheOrder on 'A.b(..)'", "caching", new RedisConnectionFailureException("down"));
			log.warn("getOrder", "reading", new RedisConnectionFailureException("down"));
		}
		assertThat(output.getOut().split("Order cache @CacheOrder", -1)).hasSize(2);
		assertThat(output.getOut().split("Order cache getOrder", -1)).hasSize(2);
	}

	@Test
	void reportsHowManyFailuresWereLeftOut(CapturedOutput output) {
		FailureLog log = new FailureLog(Duration.ofMillis(50));
		log.warn("op", "first", new RedisConnectionFailureException("down"));
		log.warn("op", "left out", new RedisConnectionFailureException("down"));
		assertThat(output).doesNotContain("left out").doesNotContain("not logged");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			log.warn("op", "later", new RedisConnectionFailureException("down"));
			assertThat(output).contains("more failures of op not logged)");
		});
	}

	@Test
	void describesJsonErrorsByLocationOnlyNeverByContent() {
		Throwable failure = catchThrowable(() -> JsonMapper.builder().build()
			.readValue("{\"uid\": \"secret-user-42\", \"amount\": [}", Object.class));
		assertThat(FailureLog.describe(failure)).startsWith("unusable JSON (").doesNotContain("secret-user-42");
	}

}
