package io.fatamorgana.ordercache.sample.dashboard;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dashboard page's settings, under {@code sample.dashboard}.
 *
 * @param sampleInterval how often the meters are sampled into the page's history, each sample one
 * point of its charts
 * @param history how far back the page's charts reach; older samples are dropped
 * @param periods the most cached periods the page lists
 */
@ConfigurationProperties("sample.dashboard")
record DashboardProperties(@DefaultValue("2s") Duration sampleInterval, @DefaultValue("10m") Duration history,
		@DefaultValue("20") int periods) {

	DashboardProperties {
		if (sampleInterval.toMillis() < 100) {
			throw new IllegalArgumentException(
					"sample.dashboard.sample-interval must be at least 100ms but was " + sampleInterval);
		}
		if (history.compareTo(sampleInterval) < 0) {
			throw new IllegalArgumentException("sample.dashboard.history must be at least the sample interval ("
					+ sampleInterval + ") but was " + history);
		}
		if (periods < 1 || periods > 1000) {
			throw new IllegalArgumentException("sample.dashboard.periods must be between 1 and 1000 but was " + periods);
		}
	}

	/** How many samples the history keeps. */
	int samples() {
		return (int) Math.min(10_000, history().toMillis() / sampleInterval().toMillis());
	}

}
