package io.fatamorgana.ordercache.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@code spring.data.redis.repositories.enabled=false} the default, as the last and weakest
 * property source, unless the application set the property itself. The starter brings Spring Data
 * Redis for its connection, not for repositories; left on, Spring Boot's scan for Redis
 * repositories makes Spring Data log about every repository of another store (JPA, JDBC, ...) and
 * registers Redis repository beans that nothing uses. {@code true} brings them back.
 */
final class RedisRepositoriesEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY = "spring.data.redis.repositories.enabled";

	static final String PROPERTY_SOURCE_NAME = "ordercacheDefaults";

	@Override
	public int getOrder() {
		// After the application's configuration files have been loaded, so that it sees them.
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		// Sources added later (test properties, for instance) still win: this one is added last.
		// Checking first keeps a value from SpringApplication's default properties, which Boot
		// moves behind every other source once the environment is prepared.
		if (!environment.containsProperty(PROPERTY)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(PROPERTY, "false")));
		}
	}

}
