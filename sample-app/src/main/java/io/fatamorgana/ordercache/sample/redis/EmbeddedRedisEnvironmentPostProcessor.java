package io.fatamorgana.ordercache.sample.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.logging.Log;
import redis.embedded.RedisServer;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts an embedded Redis for the sample, so that it runs on a machine with only a JDK, and stops
 * it with the application context. Controlled by {@code sample.embedded-redis.mode}:
 * <ul>
 * <li>{@code auto} (default): only when the order cache is on ({@code ordercache.enabled} is not
 * {@code false}), no {@code spring.data.redis} connection (url, host, port, sentinel or cluster) is
 * configured and nothing answers on Boot's default {@code localhost:6379};
 * <li>{@code always}: start one and use it whatever is configured;
 * <li>{@code never}: leave Redis to {@code spring.data.redis.*}.
 * </ul>
 * The server is the Redis 6.2 binary of {@code com.github.codemonstur:embedded-redis} on 127.0.0.1,
 * without persistence: on port 6379 in auto mode when that port is free, else on a free port. It is for trying the sample; a real application configures
 * a real Redis, and the starter itself never starts one.
 */
final class EmbeddedRedisEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String MODE_PROPERTY = "sample.embedded-redis.mode";

	static final String PROPERTY_SOURCE_NAME = "sampleEmbeddedRedis";

	private static final String CACHE_ENABLED_PROPERTY = "ordercache.enabled";

	private static final List<String> CONNECTION_PROPERTIES = List.of("spring.data.redis.url",
			"spring.data.redis.host", "spring.data.redis.port", "spring.data.redis.sentinel.master",
			"spring.data.redis.cluster.nodes");

	private static final int PROBE_TIMEOUT_MILLIS = 300;

	private final Log logger;

	EmbeddedRedisEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(EmbeddedRedisEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		// After the config data (application.yml, profiles, command line) is in the environment.
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		postProcessEnvironment(environment, application, new InetSocketAddress("localhost", 6379));
	}

	void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application,
			InetSocketAddress defaultAddress) {
		Mode mode = Mode.of(environment.getProperty(MODE_PROPERTY, "auto"));
		if (mode == Mode.NEVER || environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			return;
		}
		if (mode == Mode.AUTO) {
			if (!environment.getProperty(CACHE_ENABLED_PROPERTY, Boolean.class, true)) {
				this.logger.debug("Not starting an embedded Redis: " + CACHE_ENABLED_PROPERTY + "=false");
				return;
			}
			String configured = CONNECTION_PROPERTIES.stream().filter(environment::containsProperty).findFirst()
				.orElse(null);
			if (configured != null) {
				this.logger.debug("Not starting an embedded Redis: " + configured + " is configured");
				return;
			}
			if (answersPing(defaultAddress)) {
				this.logger.info("Using the Redis that answers on " + defaultAddress.getHostString() + ":"
						+ defaultAddress.getPort() + " (no spring.data.redis.* configured)");
				return;
			}
		}
		RedisServer server = null;
		int port = 0;
		try {
			// Auto mode takes the silent default port when it can, so that a plain redis-cli finds it.
			if (mode == Mode.AUTO && isFree(defaultAddress.getPort())) {
				port = defaultAddress.getPort();
				server = start(port);
			}
		}
		catch (IOException | RuntimeException ex) {
			this.logger.debug("Could not start an embedded Redis on port " + port + ": " + ex.getMessage());
		}
		try {
			if (server == null) {
				port = freePort();
				server = start(port);
			}
		}
		catch (IOException | RuntimeException ex) {
			this.logger.warn("Could not start an embedded Redis for the sample (" + ex.getMessage()
					+ "); the cache fails open until a Redis is configured with spring.data.redis.url");
			return;
		}
		String url = "redis://127.0.0.1:" + port;
		MapPropertySource properties = new MapPropertySource(PROPERTY_SOURCE_NAME,
				Map.of("spring.data.redis.url", url, "spring.data.redis.host", "127.0.0.1",
						"spring.data.redis.port", port));
		if (mode == Mode.ALWAYS) {
			environment.getPropertySources().addFirst(properties);
		}
		else {
			// Last: whatever a test or an initializer configures later still wins.
			environment.getPropertySources().addLast(properties);
		}
		application.addListeners(new Stopper(server, port, this.logger));
		this.logger.info("Started an embedded Redis for the sample at " + url + " ("
				+ ((mode == Mode.ALWAYS) ? MODE_PROPERTY + "=always"
						: "no spring.data.redis.* configured and nothing answers on "
								+ defaultAddress.getHostString() + ":" + defaultAddress.getPort())
				+ "); it stops with the application. Use --spring.data.redis.url=redis://host:port for a real Redis");
	}

	static boolean answersPing(InetSocketAddress address) {
		try (Socket socket = new Socket()) {
			socket.connect(address, PROBE_TIMEOUT_MILLIS);
			socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			int first = in.read();
			// "+PONG", or "-NOAUTH ..." from a Redis that wants a password: a Redis either way.
			return first == '+' || first == '-';
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static RedisServer start(int port) throws IOException {
		RedisServer server = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(port)
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		server.start();
		return server;
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private enum Mode {

		AUTO, ALWAYS, NEVER;

		static Mode of(String value) {
			try {
				return valueOf(value.trim().toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"Invalid " + MODE_PROPERTY + " '" + value + "': use auto, always or never", ex);
			}
		}

	}

	/**
	 * Stops the server as the application context's last disposable bean, after the web server
	 * drained its requests and the Redis connections closed, or when startup fails.
	 */
	private static final class Stopper implements ApplicationListener<ApplicationEvent> {

		private final RedisServer server;

		private final int port;

		private final Log logger;

		Stopper(RedisServer server, int port, Log logger) {
			this.server = server;
			this.port = port;
			this.logger = logger;
		}

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
			if (event instanceof ApplicationPreparedEvent prepared) {
				ConfigurableListableBeanFactory beanFactory = prepared.getApplicationContext().getBeanFactory();
				if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
					// Registered before any bean, so destroyed after all of them.
					registry.registerDisposableBean(PROPERTY_SOURCE_NAME, this::stop);
				}
			}
			else if (event instanceof ApplicationFailedEvent) {
				stop();
			}
		}

		private synchronized void stop() {
			if (!this.server.isActive()) {
				return;
			}
			try {
				this.server.stop();
				this.logger.info("Stopped the sample's embedded Redis on port " + this.port);
			}
			catch (IOException ex) {
				this.logger.warn("Could not stop the sample's embedded Redis on port " + this.port + ": "
						+ ex.getMessage());
			}
		}

	}

}
