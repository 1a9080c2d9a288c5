package com.example.purchases;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;

import io.fatamorgana.ordercache.test.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With its Redis killed, the purchase service still creates, reads and updates purchases from the
 * database, and {@code /actuator/health} stays UP as application.yml configures it. The Redis is
 * a {@code redis-server} process of this class's own; the application is closed after the class, not
 * kept for other tests.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext
class RedisDownTests {

	private static final RedisProcess redisServer = RedisProcess.start();

	private static final TestDatabase database = TestDatabase.pick();

	@LocalServerPort
	private int port;

	@Autowired
	private PurchaseService purchases;

	@Autowired
	private PurchaseRepository repository;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		database.register(registry);
		registry.add("spring.data.redis.url", redisServer::url);
	}

	@AfterAll
	static void cleanUp() {
		redisServer.close();
		database.drop();
	}

	@Test
	void purchasesAreCreatedReadAndUpdatedFromTheDatabaseAndHealthStaysUp() throws Exception {
		Purchase before = this.purchases.create("2026-11", "erin", new BigDecimal("30.00"));

		redisServer.kill();

		Purchase created = this.purchases.create("2026-11", "frank", new BigDecimal("15.00"));
		assertThat(this.repository.findById(created.getPurchaseId())).isPresent();
		assertThat(this.purchases.find("2026-11", created.getPurchaseId())).map(Purchase::getBuyer).hasValue("frank");
		Purchase paid = this.purchases.changeStatus(before.getPurchaseId(), "PAID");
		assertThat(paid.getVersion()).isEqualTo(1);
		assertThat(this.purchases.find("2026-11", before.getPurchaseId())).map(Purchase::getStatus).hasValue("PAID");

		HttpResponse<String> health = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health")).build(),
					BodyHandlers.ofString());
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(JsonMapper.shared().readTree(health.body()).get("status").asString()).isEqualTo("UP");
	}

}
