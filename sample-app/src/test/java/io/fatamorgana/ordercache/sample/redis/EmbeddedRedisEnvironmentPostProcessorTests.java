package io.fatamorgana.ordercache.sample.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.sample.SampleApplication;
import io.fatamorgana.ordercache.test.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.test.context.support.TestPropertySourceUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the sample starts an embedded Redis, and that it stops it again.
 */
class EmbeddedRedisEnvironmentPostProcessorTests {

	private final EmbeddedRedisEnvironmentPostProcessor postProcessor = new EmbeddedRedisEnvironmentPostProcessor(
			(log) -> log.get());

	@Test
	void startsNothingWhenARedisIsConfigured() throws IOException {
		for (String property : new String[] { "spring.data.redis.url=redis://example.com:6390",
				"spring.data.redis.host=example.com", "spring.data.redis.port=6390" }) {
			StandardEnvironment environment = environment(property);
			this.postProcessor.postProcessEnvironment(environment, new SpringApplication(), closedAddress());
			assertThat(environment.getPropertySources()
				.contains(EmbeddedRedisEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).as(property).isFalse();
		}
	}

	@Test
	void startsNothingWhenARedisAnswersOnTheDefaultAddress() {
		URI url = URI.create(TestRedis.url());
		StandardEnvironment environment = environment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication(),
				new InetSocketAddress(url.getHost(), url.getPort()));
		assertThat(environment.getPropertySources().contains(EmbeddedRedisEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
	}

	@Test
	void startsNothingWhenTheCacheIsDisabled() throws IOException {
		StandardEnvironment environment = environment("ordercache.enabled=false");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication(), closedAddress());
		assertThat(environment.getPropertySources().contains(EmbeddedRedisEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
	}

	@Test
	void startsNothingWhenTurnedOff() throws IOException {
		StandardEnvironment environment = environment("sample.embedded-redis.mode=never");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication(), closedAddress());
		assertThat(environment.getPropertySources().contains(EmbeddedRedisEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
	}

	@Test
	@SuppressWarnings({ "rawtypes", "unchecked" })
	void startsARedisWhenNoneIsConfiguredOrAnswersAndStopsItWithTheContext() throws IOException {
		StandardEnvironment environment = environment();
		SpringApplication application = new SpringApplication();
		Set<ApplicationListener<?>> before = new HashSet<>(application.getListeners());
		this.postProcessor.postProcessEnvironment(environment, application, closedAddress());
		List<ApplicationListener> added = application.getListeners().stream()
			.filter((listener) -> !before.contains(listener))
			.map(ApplicationListener.class::cast)
			.toList();
		assertThat(added).hasSize(1);

		String url = environment.getProperty("spring.data.redis.url");
		assertThat(url).startsWith("redis://127.0.0.1:");
		InetSocketAddress address = address(url);
		assertThat(EmbeddedRedisEnvironmentPostProcessor.answersPing(address)).isTrue();

		GenericApplicationContext context = new GenericApplicationContext();
		for (ApplicationListener listener : added) {
			listener.onApplicationEvent(new ApplicationPreparedEvent(application, new String[0], context));
		}
		context.refresh();
		assertThat(EmbeddedRedisEnvironmentPostProcessor.answersPing(address)).isTrue();
		context.close();
		assertThat(EmbeddedRedisEnvironmentPostProcessor.answersPing(address)).isFalse();
	}

	@Test
	void theSampleRunsOnItsEmbeddedRedisAndStopsIt() {
		InetSocketAddress address;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.run("--server.port=0", "--sample.embedded-redis.mode=always")) {
			String url = context.getEnvironment().getProperty("spring.data.redis.url");
			address = address(url);
			assertThat(address.getPort()).isNotEqualTo(6379);
			OrderCacheService cache = context.getBean(OrderCacheService.class);
			assertThat(cache.getOrderCount("20241201_001")).as("the demo period, warmed up").isEqualTo(3);
		}
		assertThat(EmbeddedRedisEnvironmentPostProcessor.answersPing(address)).isFalse();
	}

	private static StandardEnvironment environment(String... properties) {
		StandardEnvironment environment = new StandardEnvironment();
		TestPropertySourceUtils.addInlinedPropertiesToEnvironment(environment, properties);
		return environment;
	}

	private static InetSocketAddress address(String url) {
		URI uri = URI.create(url);
		return new InetSocketAddress(uri.getHost(), uri.getPort());
	}

	private static InetSocketAddress closedAddress() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
		}
	}

}
