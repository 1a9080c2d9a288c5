package io.fatamorgana.ordercache.sample.order;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The sample's own settings, under {@code sample}.
 *
 * @param warmUp which periods to load into the cache at startup
 * @param orders order defaults
 */
@ConfigurationProperties("sample")
@Validated
record SampleProperties(@Valid @DefaultValue WarmUp warmUp, @Valid @DefaultValue Orders orders) {

	/**
	 * Warm-up of hot periods.
	 *
	 * @param periods periods whose orders are loaded from the database into the cache at startup
	 */
	record WarmUp(@DefaultValue List<@PeriodNumber String> periods) {
	}

	/**
	 * Order defaults.
	 *
	 * @param paymentWindow how long a new order stays pending when the request names no expiry
	 */
	record Orders(@DefaultValue("5m") Duration paymentWindow) {
	}

}
