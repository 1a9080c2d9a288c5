package io.fatamorgana.ordercache;

import java.util.Map;
import java.util.stream.Stream;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application with auto-configuration only; each test class adds its own beans.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class IntegrationTestApplication {

	/**
	 * Starts the application without a web server, with the given properties as command-line
	 * arguments: they win over the test resources' {@code application.properties} (which
	 * {@link SpringApplicationBuilder#properties} would not).
	 * @param properties the properties
	 * @param beans the test's own bean classes
	 * @return the running context
	 */
	public static ConfigurableApplicationContext run(Map<String, ?> properties, Class<?>... beans) {
		Class<?>[] sources = Stream.concat(Stream.of(IntegrationTestApplication.class), Stream.of(beans))
			.toArray(Class<?>[]::new);
		return new SpringApplicationBuilder(sources).web(WebApplicationType.NONE)
			.run(properties.entrySet()
				.stream()
				.map((property) -> "--" + property.getKey() + "=" + property.getValue())
				.toArray(String[]::new));
	}

}
