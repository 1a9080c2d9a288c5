package io.fatamorgana.ordercache.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.sample.test.Http;
import io.fatamorgana.ordercache.sample.test.Http.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code ordercache.enabled=false} the starter defines no cache at all: the sample starts
 * anyway, serves every order use case from the database, skips the warm-up, and answers the cache
 * endpoints with a 404 problem saying that the cache is disabled. Redis points at a closed port, so
 * any attempt to use it would show.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ordercache.enabled=false", "sample.embedded-redis.mode=never" })
@DirtiesContext
class CacheDisabledTests {

	private static final String PERIOD = "20250101_nocache";

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", () -> "redis://127.0.0.1:" + closedPort());
	}

	@Test
	void ordersAreServedFromTheDatabaseWithoutACache() {
		assertThat(this.context.getBeanProvider(OrderCacheService.class).getIfAvailable()).isNull();
		Http http = new Http(this.port);
		Response created = http.post("/create",
				"{\"uid\":\"user123\",\"period_number\":\"" + PERIOD + "\",\"amount\":42.00}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String path = "/orders/" + PERIOD + "/" + created.field("order_no");
		assertThat(http.get(path).json()).isEqualTo(created.json());
		assertThat(http.put(path + "/status", "{\"status\":\"paid\"}").field("status")).isEqualTo("paid");
		Response period = http.get("/orders/" + PERIOD);
		assertThat(period.json().size()).isEqualTo(1);
		assertThat(period.json().get(0).get("status").asString()).isEqualTo("paid");
		assertThat(http.delete(path).status()).isEqualTo(204);
		assertThat(http.get(path).status()).isEqualTo(404);
		assertThat(http.get("/orders/20241201_001").json().size()).as("the demo period, not warmed up").isEqualTo(3);
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "GET, /cache/stats", "GET, /cache/periods/20241201_001",
			"GET, /cache/periods/20241201_001/orders/ORDER_20241201_001_001", "DELETE, /cache/periods/20241201_001",
			"GET, /cache/dashboard" })
	void cacheEndpointsAnswer404SayingTheCacheIsDisabled(String method, String path) {
		Http http = new Http(this.port);
		Response response = method.equals("DELETE") ? http.delete(path) : http.get(path);
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.contentType()).hasValue("application/problem+json");
		assertThat(response.field("title")).isEqualTo("Cache disabled");
		assertThat(response.field("detail")).contains("ordercache.enabled=false");
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
