package io.fatamorgana.ordercache.autoconfigure;

import java.time.Duration;
import java.util.Optional;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.OrderIdentity;
import io.fatamorgana.ordercache.OrderIdentityResolver;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.actuate.OrderCacheEndpoint;
import io.fatamorgana.ordercache.actuate.OrderCacheHealthIndicator;
import io.fatamorgana.ordercache.actuate.OrderCacheMetrics;
import io.fatamorgana.ordercache.annotation.CacheOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import io.fatamorgana.ordercache.aop.OrderCacheAdvisor;
import io.fatamorgana.ordercache.aop.OrderCacheEntryAdvisor;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.Ordered;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

@ExtendWith(OutputCaptureExtension.class)
class OrderCacheAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
					OrderCacheAutoConfiguration.class));

	@Test
	void defaultsCreateTheServiceAndTheAdvisorFromTheSeedsSettings() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(OrderCacheService.class)
				.hasSingleBean(OrderCacheAdvisor.class)
				.hasSingleBean(OrderCacheEntryAdvisor.class)
				.hasSingleBean(OrderIdentityResolver.class);
			OrderCacheProperties properties = context.getBean(OrderCacheProperties.class);
			assertThat(properties.getKeyPrefix()).isEqualTo("fataMorgana_");
			assertThat(properties.getTtl()).isEqualTo(Duration.ofHours(24));
			assertThat(properties.getIdentity().getPeriodProperty()).isEqualTo("periodNumber");
			assertThat(properties.getIdentity().getOrderNoProperty()).isEqualTo("orderNo");
		});
	}

	@Test
	void theAdvisorRunsInsideBootsTransactionAdvisorByDefaultAndTheEntryAdvisorOutside() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class))
			.run((context) -> {
				assertThat(context.getBean("orderCacheAdvisor", OrderCacheAdvisor.class).getOrder())
					.isEqualTo(Ordered.LOWEST_PRECEDENCE);
				assertThat(context.getBean(OrderCacheEntryAdvisor.class).getOrder())
					.isEqualTo(Ordered.HIGHEST_PRECEDENCE);
				assertThat(context.getBean(AdvisorOrderCheck.class).problem()).isNull();
			});
	}

	@Test
	void anAdvisorOrderThatPutsTheCacheOutsideTheTransactionIsReported() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class))
			.withPropertyValues("ordercache.advisor-order=0")
			.run((context) -> assertThat(context.getBean(AdvisorOrderCheck.class).problem())
				.contains("runs outside the transaction advisor")
				.contains("ordercache.advisor-order"));
	}

	@Test
	void anOrderTypeWithoutAVersionIsNamedInAStartupWarning(CapturedOutput output) {
		this.contextRunner.withBean(UnversionedOrders.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("Unversioned").contains("has no version property");
		});
	}

	@Test
	void aVersionedOrderTypeGivesNoWarning(CapturedOutput output) {
		this.contextRunner.withBean(SimpleOrders.class)
			.run((context) -> assertThat(output).doesNotContain("has no version property"));
	}

	@Test
	void usesTheApplicationsConnectionFactoryAndDefinesNoRedisTemplate() {
		RedisConnectionFactory connectionFactory = new LettuceConnectionFactory();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(OrderCacheAutoConfiguration.class))
			.withBean(RedisConnectionFactory.class, () -> connectionFactory)
			.run((context) -> {
				assertThat(context).hasSingleBean(OrderCacheService.class)
					.doesNotHaveBean("redisTemplate")
					.doesNotHaveBean(RedisTemplate.class);
				assertThat(context.getBean(RedisConnectionFactory.class)).isSameAs(connectionFactory);
			});
	}

	@Test
	void annotatedBeansAreProxied() {
		this.contextRunner.withBean(SimpleOrders.class)
			.run((context) -> assertThat(AopUtils.isAopProxy(context.getBean(SimpleOrders.class))).isTrue());
	}

	@Test
	void backsOffFromBeansTheUserDefines() {
		OrderCacheService service = mock(OrderCacheService.class);
		OrderIdentityResolver resolver = (order) -> new OrderIdentity("P", "O");
		this.contextRunner.withBean(OrderCacheService.class, () -> service)
			.withBean(OrderIdentityResolver.class, () -> resolver)
			.run((context) -> {
				assertThat(context.getBean(OrderCacheService.class)).isSameAs(service);
				assertThat(context.getBean(OrderIdentityResolver.class)).isSameAs(resolver);
			});
	}

	@Test
	void whenDisabledThenAnnotatedMethodsStillRun() {
		this.contextRunner.withPropertyValues("ordercache.enabled=false").withBean(SimpleOrders.class).run((context) -> {
			assertThat(context).doesNotHaveBean(OrderCacheService.class).doesNotHaveBean(OrderCacheAdvisor.class);
			SimpleOrders orders = context.getBean(SimpleOrders.class);
			assertThat(AopUtils.isAopProxy(orders)).isFalse();
			assertThat(orders.create(TestOrder.of("P", "O")).getOrderNo()).isEqualTo("O");
			assertThat(orders.find("P", "O")).isEmpty();
		});
	}

	@Test
	void withoutSpringDataRedisOnTheClasspathThenNothingIsConfigured() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OrderCacheService.class)
				.doesNotHaveBean(OrderCacheAdvisor.class));
	}

	@Test
	void withoutAConnectionFactoryThenNothingIsConfigured() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(OrderCacheAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OrderCacheService.class));
	}

	@Test
	void withMicrometerThenMetersAndWithoutItNone() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(OrderCacheMetrics.class));
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OrderCacheMetrics.class));
	}

	@Test
	void theEndpointOnlyWhenActuatorIsThereAndTheUserExposesIt() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(OrderCacheEndpoint.class));
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=ordercache")
			.run((context) -> assertThat(context).hasSingleBean(OrderCacheEndpoint.class));
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=ordercache")
			.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OrderCacheEndpoint.class));
	}

	@Test
	void theHealthIndicatorUnlessDisabledOrAbsent() {
		this.contextRunner.run((context) -> assertThat(context).hasBean("orderCacheHealthIndicator"));
		this.contextRunner.withPropertyValues("management.health.ordercache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(OrderCacheHealthIndicator.class));
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OrderCacheHealthIndicator.class));
	}

	@Test
	void anUnreachableRedisKeepsHealthUpUnlessConfiguredOtherwise() {
		this.contextRunner.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1",
				"spring.data.redis.connect-timeout=200ms")
			.run((context) -> {
				Health health = context.getBean(OrderCacheHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails().get("redis")).asString().startsWith("unreachable");
			});
		this.contextRunner.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1",
				"spring.data.redis.connect-timeout=200ms", "ordercache.health.down-when-unavailable=true")
			.run((context) -> assertThat(context.getBean(OrderCacheHealthIndicator.class).health().getStatus())
				.isEqualTo(Status.DOWN));
	}

	@Test
	void aZeroTtlFailsStartupNamingTheProperty() {
		assertInvalid("ordercache.ttl=0s", "ordercache.ttl", "must be at least 1ms");
		assertInvalid("ordercache.ttl=-5m", "ordercache.ttl", "must be at least 1ms");
	}

	@Test
	void anInvalidKeyPrefixFailsStartupNamingTheProperty() {
		assertInvalid("ordercache.key-prefix=fata morgana", "ordercache.key-prefix", "may only contain");
		assertInvalid("ordercache.key-prefix=fata*", "ordercache.key-prefix", "may only contain");
		assertInvalid("ordercache.key-prefix=", "ordercache.key-prefix", "must not be empty");
	}

	@Test
	void theCommandTimeoutAdaptsUpToItsCeilingAndACeilingBelowTheTimeoutFixesIt() {
		this.contextRunner.run((context) -> {
			OrderCacheProperties.Resilience resilience = context.getBean(OrderCacheProperties.class).getResilience();
			assertThat(resilience.getCommandTimeout()).isEqualTo(Duration.ofMillis(50));
			assertThat(resilience.effectiveCommandTimeoutCeiling()).isEqualTo(Duration.ofMillis(500));
		});
		this.contextRunner.withPropertyValues("ordercache.resilience.command-timeout=2s").run((context) -> {
			OrderCacheProperties.Resilience resilience = context.getBean(OrderCacheProperties.class).getResilience();
			assertThat(resilience.effectiveCommandTimeoutCeiling()).isEqualTo(Duration.ofSeconds(2));
		});
		assertInvalid("ordercache.resilience.command-timeout-ceiling=0ms",
				"ordercache.resilience.command-timeout-ceiling", "must be at least 1ms");
	}

	@Test
	void otherInvalidPropertiesFailStartupNamingTheProperty() {
		assertInvalid("ordercache.batch-chunk-size=0", "ordercache.batch-chunk-size", "between 1 and 5000");
		assertInvalid("ordercache.identity.period-property=1st", "ordercache.identity.period-property",
				"Java property name");
		assertInvalid("ordercache.failure-log-interval=-1s", "ordercache.failure-log-interval", "not be negative");
	}

	@Test
	void theFailureAnalyzerNamesThePropertyToFix() {
		FailureAnalysis analysis = new InvalidOrderCachePropertyFailureAnalyzer()
			.analyze(new IllegalStateException(new InvalidOrderCachePropertyException("ordercache.ttl", "0s",
					"must be at least 1ms; keys without a TTL are not allowed")));
		assertThat(analysis.getDescription()).isEqualTo("The order cache cannot start: ordercache.ttl is '0s', which"
				+ " must be at least 1ms; keys without a TTL are not allowed.");
		assertThat(analysis.getAction()).startsWith("Fix ordercache.ttl in your configuration");
	}

	private void assertInvalid(String property, String name, String problem) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidOrderCachePropertyException.class)
				.hasMessageContaining(name)
				.hasMessageContaining(problem);
		});
	}

	/** A user's service with annotated methods. */
	public static class UnversionedOrders {

		@CachedOrder(period = "#period", orderNo = "#orderNo")
		public Optional<Unversioned> find(String period, String orderNo) {
			return Optional.empty();
		}

	}

	/** An order type without any version property. */
	public record Unversioned(String periodNumber, String orderNo, String status) {
	}

	public static class SimpleOrders {

		@CacheOrder
		public TestOrder create(TestOrder order) {
			return order;
		}

		@CachedOrder(period = "#period", orderNo = "#orderNo")
		public Optional<TestOrder> find(String period, String orderNo) {
			return Optional.empty();
		}

	}

}
