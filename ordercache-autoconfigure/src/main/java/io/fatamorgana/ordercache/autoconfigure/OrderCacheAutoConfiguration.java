package io.fatamorgana.ordercache.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.OrderIdentityResolver;
import io.fatamorgana.ordercache.aop.OrderCacheAdvisor;
import io.fatamorgana.ordercache.aop.OrderCacheEntryAdvisor;
import io.fatamorgana.ordercache.aop.OrderCacheExecutor;
import io.fatamorgana.ordercache.aop.OrderCacheOperationSource;
import io.fatamorgana.ordercache.codec.OrderCodec;
import io.fatamorgana.ordercache.codec.VersionFields;
import io.fatamorgana.ordercache.key.OrderKeys;
import io.fatamorgana.ordercache.key.PropertyOrderIdentityResolver;
import io.fatamorgana.ordercache.near.NearCache;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import io.fatamorgana.ordercache.redis.CircuitBreakers;
import io.fatamorgana.ordercache.redis.LettuceOrderHashStore;
import io.fatamorgana.ordercache.support.CacheMaintenance;
import io.fatamorgana.ordercache.support.DefaultOrderCacheService;
import io.fatamorgana.ordercache.support.FailureLog;
import io.fatamorgana.ordercache.support.OrderCacheCounters;
import io.fatamorgana.ordercache.support.OrderCacheEngine;
import io.fatamorgana.ordercache.support.TransactionalChanges;
import io.lettuce.core.resource.Delay;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of the order cache: the {@link OrderCacheService} on the application's
 * {@link RedisConnectionFactory}, and the advisor that makes {@code @CacheOrder},
 * {@code @EvictOrder} and {@code @CachedOrder} work. Off with {@code ordercache.enabled=false}.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class,
		afterName = { "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@ConditionalOnClass({ RedisConnectionFactory.class, JsonMapper.class })
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "ordercache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OrderCacheProperties.class)
@Import({ OrderCacheAutoConfiguration.AutoProxyRegistrar.class, OrderCacheMetricsConfiguration.class,
		OrderCacheEndpointConfiguration.class, OrderCacheHealthConfiguration.class,
		OrderCacheWarmUpConfiguration.class, OrderCachePendingEvictionsConfiguration.class,
		OrderCacheNearCacheConfiguration.class })
public final class OrderCacheAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OrderIdentityResolver orderIdentityResolver(OrderCacheProperties properties) {
		return new PropertyOrderIdentityResolver(properties.getIdentity().getPeriodProperty(),
				properties.getIdentity().getOrderNoProperty());
	}

	@Bean
	OrderCodec orderCodec() {
		return new OrderCodec();
	}

	@Bean
	VersionFields orderCacheVersionFields(OrderCodec codec, OrderCacheProperties properties) {
		return new VersionFields(codec, properties.getConsistency().getVersionProperties());
	}

	@Bean
	CircuitBreakers orderCacheCircuitBreakers(OrderCacheProperties properties) {
		return new CircuitBreakers(properties.getResilience().getFailureThreshold(),
				properties.getResilience().getOpenDuration(), properties.getResilience().getMaxConcurrentCalls());
	}

	@Bean
	@ConditionalOnMissingBean
	OrderHashStore orderHashStore(RedisConnectionFactory connectionFactory, CircuitBreakers circuitBreakers,
			OrderCodec codec, OrderCacheProperties properties) {
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
			throw new IllegalStateException("ordercache needs Lettuce, Spring Boot's default Redis client, but the"
					+ " RedisConnectionFactory is a " + connectionFactory.getClass().getName()
					+ ": use Lettuce, or set ordercache.enabled=false");
		}
		OrderCacheProperties.Resilience resilience = properties.getResilience();
		return new LettuceOrderHashStore(lettuce, circuitBreakers, resilience.getCommandTimeout(),
				resilience.effectiveCommandTimeoutCeiling(), resilience.getBulkTimeout());
	}

	/**
	 * Caps Lettuce's reconnect back-off (30 s by default) on the client resources Spring Boot builds:
	 * the cache is used again at most this long after Redis answers. A {@code ClientResources} bean of
	 * the application's own is left alone.
	 */
	@Bean
	ClientResourcesBuilderCustomizer orderCacheReconnectDelay(OrderCacheProperties properties) {
		Duration max = properties.getResilience().getReconnectMaxDelay();
		return (builder) -> builder.reconnectDelay(Delay.exponential(Duration.ofMillis(1), max, 2, TimeUnit.MILLISECONDS));
	}

	@Bean
	OrderCacheCounters orderCacheCounters() {
		return new OrderCacheCounters();
	}

	@Bean
	FailureLog orderCacheFailureLog(OrderCacheProperties properties) {
		return new FailureLog(properties.getFailureLogInterval());
	}

	@Bean
	OrderCacheEngine orderCacheEngine(OrderHashStore store, OrderCodec codec, VersionFields versionFields,
			OrderIdentityResolver identityResolver,
			OrderCacheCounters counters, FailureLog failureLog, CircuitBreakers circuitBreakers,
			OrderCacheProperties properties, ObjectProvider<OrderCacheEngine.DurableStore> durableStore,
			ObjectProvider<NearCache> nearCache) {
		OrderCacheEngine.DurableStore durable = durableStore.getIfAvailable();
		if (durable == null
				&& properties.getPendingEvictions().getStore() == OrderCacheProperties.PendingEvictions.Store.JDBC) {
			throw new InvalidOrderCachePropertyException("ordercache.pending-evictions.store", "jdbc",
					"needs one DataSource bean (or a @Primary one) and spring-boot-jdbc on the classpath"
							+ " (spring-boot-starter-jdbc)");
		}
		OrderCacheEngine.Settings settings = new OrderCacheEngine.Settings(properties.getTtl(),
				properties.getTtlJitter(), properties.getConsistency().getTombstoneTtl(),
				properties.getBatchChunkSize(), properties.getResilience().getPendingEvictionCapacity(),
				properties.getMaxPeriodSize(), codec.jsonName(properties.getIdentity().getOrderNoProperty()),
				properties.getMaxEntrySize().toBytes());
		NearCache near = nearCache.getIfAvailable();
		return new OrderCacheEngine((near != null) ? near.store() : store, codec, versionFields, new OrderKeys(properties.getKeyPrefix()), identityResolver,
				counters, failureLog, circuitBreakers, settings, durable);
	}

	@Bean
	CacheMaintenance orderCacheMaintenance(OrderCacheEngine engine, OrderHashStore store,
			CircuitBreakers circuitBreakers, FailureLog failureLog, OrderCacheProperties properties) {
		return new CacheMaintenance(engine, store, circuitBreakers,
				properties.getResilience().getMaintenanceInterval(), failureLog);
	}

	@Bean
	TransactionalChanges orderCacheTransactionalChanges(OrderCacheCounters counters, FailureLog failureLog) {
		return new TransactionalChanges(counters, failureLog);
	}

	@Bean
	@ConditionalOnMissingBean
	OrderCacheService orderCacheService(OrderCacheEngine engine, TransactionalChanges changes) {
		return new DefaultOrderCacheService(engine, changes);
	}

	@Bean
	OrderCacheExecutor orderCacheExecutor(OrderCacheEngine engine, TransactionalChanges changes,
			OrderCacheCounters counters, FailureLog failureLog, OrderCacheProperties properties) {
		return new OrderCacheExecutor(engine, changes, counters, failureLog, properties.getSingleFlightWait(),
				properties.getConsistency().getTombstoneTtl());
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static OrderCacheOperationSource orderCacheOperationSource(ObjectProvider<OrderIdentityResolver> identityResolver,
			ObjectProvider<VersionFields> versionFields, ConfigurableListableBeanFactory beanFactory) {
		return new OrderCacheOperationSource(SingletonSupplier.of(identityResolver::getObject),
				SingletonSupplier.of(versionFields::getObject), beanFactory.getBeanClassLoader());
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static OrderCacheAdvisor orderCacheAdvisor(OrderCacheOperationSource orderCacheOperationSource,
			ObjectProvider<OrderCacheExecutor> executor, Environment environment) {
		OrderCacheAdvisor advisor = new OrderCacheAdvisor(orderCacheOperationSource,
				SingletonSupplier.of(executor::getObject));
		advisor.setOrder(Binder.get(environment)
			.bind("ordercache.advisor-order", Integer.class)
			.orElse(Ordered.LOWEST_PRECEDENCE));
		return advisor;
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static OrderCacheEntryAdvisor orderCacheEntryAdvisor(OrderCacheOperationSource orderCacheOperationSource) {
		return new OrderCacheEntryAdvisor(orderCacheOperationSource);
	}

	@Bean
	static AdvisorOrderCheck orderCacheAdvisorOrderCheck(ConfigurableListableBeanFactory beanFactory) {
		return new AdvisorOrderCheck(beanFactory, "orderCacheAdvisor");
	}

	/**
	 * Makes sure an auto-proxy creator exists even where Spring Boot's AOP auto-configuration is
	 * off; Boot's, when present, takes precedence.
	 */
	static final class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
		}

	}

}
