package io.fatamorgana.ordercache.sample.dashboard;

import io.fatamorgana.ordercache.OrderCacheService;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;

/**
 * The dashboard's history and the task that samples it, on Spring Boot's task scheduler. Nothing is
 * sampled while the cache is turned off.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class DashboardConfiguration {

	@Bean
	DashboardHistory dashboardHistory(MeterRegistry registry, DashboardProperties properties) {
		return new DashboardHistory(new CacheMeters(registry), properties.samples());
	}

	@Bean
	SchedulingConfigurer dashboardSampling(DashboardHistory history, DashboardProperties properties,
			ObjectProvider<OrderCacheService> cache) {
		return (registrar) -> {
			if (cache.getIfAvailable() != null) {
				registrar.addFixedRateTask(history::sample, properties.sampleInterval());
			}
		};
	}

}
