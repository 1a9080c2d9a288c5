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
 */
@ConfigurationProperties("sample")
@Validated
record SampleProperties(@Valid @DefaultValue Orders orders) {

	/**
	 * Order defaults.
	 *
	 * @param paymentWindow how long a new order stays pending when the request names no expiry
	 */
	record Orders(@DefaultValue("5m") Duration paymentWindow) {
	}

}
