package io.fatamorgana.ordercache.autoconfigure;

import java.util.Map;
import java.util.UUID;

import io.fatamorgana.ordercache.autoconfigure.redisrepositories.Bookmark;
import io.fatamorgana.ordercache.autoconfigure.redisrepositories.BookmarkRepository;
import io.fatamorgana.ordercache.test.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.RedisKeyValueAdapter;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis repositories are off unless the application turns them on: the starter does not use them,
 * and Spring Data's scan for them logs about every repository of another store.
 */
class RedisRepositoriesEnvironmentPostProcessorTests {

	private static final String PROPERTY = RedisRepositoriesEnvironmentPostProcessor.PROPERTY;

	@Test
	void whenNotSetThenTheDefaultIsFalseInTheWeakestPropertySource() {
		MockEnvironment environment = new MockEnvironment();
		new RedisRepositoriesEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(PROPERTY)).isEqualTo("false");
		assertThat(environment.getPropertySources().stream().reduce((first, second) -> second).orElseThrow().getName())
			.isEqualTo(RedisRepositoriesEnvironmentPostProcessor.PROPERTY_SOURCE_NAME);
	}

	@Test
	void whenSetByTheApplicationThenItsValueStays() {
		MockEnvironment environment = new MockEnvironment().withProperty(PROPERTY, "true");
		new RedisRepositoriesEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(PROPERTY)).isEqualTo("true");
		assertThat(environment.getPropertySources()
			.contains(RedisRepositoriesEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
	}

	@Test
	void anApplicationWithTheStarterHasNoRedisRepositoriesByDefault() {
		try (ConfigurableApplicationContext context = application().run(redisUrl())) {
			assertThat(context.getBeanNamesForType(BookmarkRepository.class)).isEmpty();
			assertThat(context.getBeanNamesForType(RedisKeyValueAdapter.class)).isEmpty();
		}
	}

	@Test
	void settingTheEnabledPropertyToTrueBringsRedisRepositoriesBack() {
		try (ConfigurableApplicationContext context = application().run(redisUrl(), "--" + PROPERTY + "=true")) {
			assertThatRedisRepositoriesWork(context);
		}
	}

	@Test
	void settingItAsADefaultPropertyOfTheApplicationBringsThemBackToo() {
		SpringApplication application = application();
		application.setDefaultProperties(Map.of(PROPERTY, "true"));
		try (ConfigurableApplicationContext context = application.run(redisUrl())) {
			assertThatRedisRepositoriesWork(context);
		}
	}

	private static void assertThatRedisRepositoriesWork(ConfigurableApplicationContext context) {
		BookmarkRepository bookmarks = context.getBean(BookmarkRepository.class);
		String id = UUID.randomUUID().toString();
		bookmarks.save(new Bookmark(id, "https://example.com/" + id));
		try {
			assertThat(bookmarks.findById(id)).map(Bookmark::getUrl).hasValue("https://example.com/" + id);
		}
		finally {
			bookmarks.deleteById(id);
		}
	}

	private static SpringApplication application() {
		SpringApplication application = new SpringApplication(RedisRepositoriesApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application;
	}

	private static String redisUrl() {
		return "--spring.data.redis.url=" + TestRedis.url();
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = Bookmark.class)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, DataRedisRepositoriesAutoConfiguration.class })
	static class RedisRepositoriesApplication {

	}

}
