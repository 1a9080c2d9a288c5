package io.fatamorgana.ordercache.redis;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Thrown instead of calling Redis while the circuit breaker of the node a call goes to is open, or
 * while as many cache calls as allowed already wait for Redis.
 */
public final class CacheUnavailableException extends DataAccessResourceFailureException {

	private static final long serialVersionUID = 1L;

	CacheUnavailableException(String target) {
		super("Redis calls are paused: the order cache circuit of " + target + " is open until it answers a probe");
	}

	CacheUnavailableException(String target, int maxConcurrentCalls) {
		super("Redis call skipped: " + maxConcurrentCalls + " cache calls already wait for " + target
				+ " (ordercache.resilience.max-concurrent-calls)");
	}

}
