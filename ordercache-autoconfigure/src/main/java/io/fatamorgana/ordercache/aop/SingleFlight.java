package io.fatamorgana.ordercache.aop;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Runs concurrent misses of the same call in this JVM once, without ever handing a caller something
 * older or shared. A follower takes the leader's result only if both read the same load token with
 * their misses: every write, eviction and drop of the period moves the token on, so equal tokens
 * mean that no change was acknowledged between the leader's read and the follower's start
 * (docs/protocol.md, "Load tokens"). The leader's result is handed over encoded, and each follower
 * decodes its own copy. A follower waits at most a bounded time, never for itself (a re-entrant call
 * runs on its own), and never for a leader older than a token is known to stay unique; in each of
 * those cases, and when the leader failed, it calls the method itself.
 */
final class SingleFlight {

	/** The leader's result was nothing to cache (null, empty): followers get the same. */
	static final Object NOTHING = new Object();

	/** The leader's result cannot be handed over: followers call the method themselves. */
	static final Object UNSHARED = new Object();

	private final ConcurrentMap<Object, Leader> leaders = new ConcurrentHashMap<>();

	private final long waitNanos;

	private final long tokenLifetimeNanos;

	SingleFlight(Duration wait, Duration tokenLifetime) {
		this.waitNanos = wait.toNanos();
		this.tokenLifetimeNanos = tokenLifetime.toNanos();
	}

	/**
	 * Loads by calling the method, or by taking the result of the same call running in another
	 * thread.
	 * @param call the call
	 * @param loadToken the token read with this call's miss, or {@code null} when what is loaded will
	 * not be cached (then the method is simply called)
	 * @param shareable whether this call's result may be handed to others
	 * @param encoder turns a result into what is cached and handed over: an encoded form,
	 * {@link #NOTHING} or {@link #UNSHARED}; may throw
	 * @param copier turns what was handed over into a follower's own result
	 * @param encodingFailed told when the encoder threw
	 * @return the result, and whether this thread called the method
	 * @throws Throwable what the method threw
	 */
	Outcome load(OrderCacheExecutor.Call call, @Nullable String loadToken, boolean shareable,
			Function<@Nullable Object, Object> encoder, Function<Object, @Nullable Object> copier,
			Consumer<RuntimeException> encodingFailed) throws Throwable {
		if (loadToken == null) {
			return new Outcome(call.proceed(), true, UNSHARED);
		}
		Object flight = call.flight();
		Leader running = this.leaders.get(flight);
		if (running != null) {
			if (running.mayServe(loadToken, this.tokenLifetimeNanos)) {
				Object shared = running.await(this.waitNanos);
				if (shared != UNSHARED) {
					return new Outcome(copier.apply(shared), false, UNSHARED);
				}
			}
			return alone(call, encoder, encodingFailed);
		}
		if (!shareable) {
			return alone(call, encoder, encodingFailed);
		}
		Leader mine = new Leader(Thread.currentThread(), loadToken, System.nanoTime());
		if (this.leaders.putIfAbsent(flight, mine) != null) {
			return alone(call, encoder, encodingFailed);
		}
		Object shared = UNSHARED;
		try {
			Outcome outcome = alone(call, encoder, encodingFailed);
			shared = outcome.shared();
			return outcome;
		}
		finally {
			this.leaders.remove(flight, mine);
			mine.result.complete(shared);
		}
	}

	private static Outcome alone(OrderCacheExecutor.Call call, Function<@Nullable Object, Object> encoder,
			Consumer<RuntimeException> encodingFailed) throws Throwable {
		Object result = call.proceed();
		Object shared;
		try {
			shared = encoder.apply(result);
		}
		catch (RuntimeException ex) {
			encodingFailed.accept(ex);
			shared = UNSHARED;
		}
		return new Outcome(result, true, shared);
	}

	/**
	 * What a load gave.
	 * @param result what the caller gets
	 * @param mine whether this thread called the method (only then may it cache what it loaded)
	 * @param shared the encoded result, {@link #NOTHING} or {@link #UNSHARED}
	 */
	record Outcome(@Nullable Object result, boolean mine, Object shared) {
	}

	/** A call running in some thread, which others may wait for. */
	private static final class Leader {

		private final Thread thread;

		private final String loadToken;

		private final long started;

		private final CompletableFuture<Object> result = new CompletableFuture<>();

		Leader(Thread thread, String loadToken, long started) {
			this.thread = thread;
			this.loadToken = loadToken;
			this.started = started;
		}

		boolean mayServe(String followerToken, long tokenLifetimeNanos) {
			return this.thread != Thread.currentThread() && this.loadToken.equals(followerToken)
					&& System.nanoTime() - this.started < tokenLifetimeNanos;
		}

		Object await(long waitNanos) {
			try {
				return this.result.get(waitNanos, TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return UNSHARED;
			}
			catch (ExecutionException | TimeoutException ex) {
				return UNSHARED;
			}
		}

	}

}
