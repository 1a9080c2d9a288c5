package io.fatamorgana.ordercache.sample.order;

import java.time.Duration;

import jakarta.validation.Valid;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The sample's own settings, under {@code sample}.
 *
 * @param orders order defaults
 * @param cache how the sample treats the cache at startup
 */
@ConfigurationProperties("sample")
@Validated
record SampleProperties(@Valid @DefaultValue Orders orders, @DefaultValue Cache cache) {

	/**
	 * Order defaults.
	 *
	 * @param paymentWindow how long a new order stays pending when the request names no expiry
	 */
	record Orders(@DefaultValue("5m") Duration paymentWindow) {
	}

	/**
	 * How the sample treats the cache at startup.
	 *
	 * @param resetOnVolatileDatabase whether to drop every cached period of the key prefix at startup
	 * when the database is an embedded in-memory one that did not survive the restart (see
	 * {@link CacheResetOnVolatileDatabase})
	 * @param dropEnabled whether {@code DELETE /cache/periods/{period}} drops a period's hash; off by
	 * default, since anyone who can reach the port could then drop cached periods (a demo
	 * operation: the sample has no authentication)
	 */
	record Cache(@DefaultValue("true") boolean resetOnVolatileDatabase, @DefaultValue("false") boolean dropEnabled) {
	}

}
