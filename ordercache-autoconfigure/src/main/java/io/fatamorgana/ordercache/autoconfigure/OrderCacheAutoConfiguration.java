package io.fatamorgana.ordercache.autoconfigure;

import io.fatamorgana.ordercache.OrderCacheService;
import io.fatamorgana.ordercache.OrderIdentityResolver;
import io.fatamorgana.ordercache.aop.OrderCacheAdvisor;
import io.fatamorgana.ordercache.aop.OrderCacheExecutor;
import io.fatamorgana.ordercache.aop.OrderCacheOperationSource;
import io.fatamorgana.ordercache.codec.OrderCodec;
import io.fatamorgana.ordercache.key.OrderKeys;
import io.fatamorgana.ordercache.key.PropertyOrderIdentityResolver;
import io.fatamorgana.ordercache.redis.OrderHashStore;
import io.fatamorgana.ordercache.redis.RedisOrderHashStore;
import io.fatamorgana.ordercache.support.DefaultOrderCacheService;
import io.fatamorgana.ordercache.support.FailureLog;
import io.fatamorgana.ordercache.support.OrderCacheCounters;
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
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of the order cache: the {@link OrderCacheService} on the application's
 * {@link RedisConnectionFactory}, and the advisor that makes {@code @CacheOrder},
 * {@code @EvictOrder} and {@code @CachedOrder} work. Off with {@code ordercache.enabled=false}.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnClass({ RedisConnectionFactory.class, JsonMapper.class })
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "ordercache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OrderCacheProperties.class)
@Import(OrderCacheAutoConfiguration.AutoProxyRegistrar.class)
public final class OrderCacheAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OrderIdentityResolver orderIdentityResolver(OrderCacheProperties properties) {
		return new PropertyOrderIdentityResolver(properties.getIdentity().getPeriodProperty(),
				properties.getIdentity().getOrderNoProperty());
	}

	@Bean
	@ConditionalOnMissingBean
	OrderHashStore orderHashStore(RedisConnectionFactory connectionFactory) {
		return new RedisOrderHashStore(connectionFactory);
	}

	@Bean
	@ConditionalOnMissingBean
	OrderCacheCounters orderCacheCounters() {
		return new OrderCacheCounters();
	}

	@Bean
	@ConditionalOnMissingBean
	FailureLog orderCacheFailureLog(OrderCacheProperties properties) {
		return new FailureLog(properties.getFailureLogInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	OrderCacheService orderCacheService(OrderHashStore store, OrderIdentityResolver identityResolver,
			OrderCacheCounters counters, FailureLog failureLog, OrderCacheProperties properties) {
		return new DefaultOrderCacheService(store, new OrderCodec(), new OrderKeys(properties.getKeyPrefix()),
				identityResolver, counters, failureLog, properties.getTtl(), properties.getBatchChunkSize());
	}

	@Bean
	@ConditionalOnMissingBean
	OrderCacheExecutor orderCacheExecutor(OrderCacheService service, OrderIdentityResolver identityResolver,
			OrderCacheCounters counters, FailureLog failureLog) {
		return new OrderCacheExecutor(service, identityResolver, counters, failureLog);
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static OrderCacheOperationSource orderCacheOperationSource(ObjectProvider<OrderIdentityResolver> identityResolver,
			ConfigurableListableBeanFactory beanFactory) {
		return new OrderCacheOperationSource(SingletonSupplier.of(identityResolver::getObject),
				beanFactory.getBeanClassLoader());
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static OrderCacheAdvisor orderCacheAdvisor(OrderCacheOperationSource orderCacheOperationSource,
			ObjectProvider<OrderCacheExecutor> executor) {
		return new OrderCacheAdvisor(orderCacheOperationSource, SingletonSupplier.of(executor::getObject));
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
