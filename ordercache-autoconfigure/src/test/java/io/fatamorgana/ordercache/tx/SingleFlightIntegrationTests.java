package io.fatamorgana.ordercache.tx;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fatamorgana.ordercache.IntegrationTestApplication;
import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Proves the single-flight rules of issue 13 (case 7) for concurrent misses of the same
 * {@code @CachedOrder} call: every caller gets its own copy of the result, a follower waits only a
 * bounded time for the leader, a re-entrant call with the same arguments on the same thread
 * completes, and a follower never gets a result the leader read before a change that was
 * acknowledged before the follower started.
 */
@SpringBootTest(classes = IntegrationTestApplication.class)
@Import(SingleFlightOrders.class)
class SingleFlightIntegrationTests {

	static final String PREFIX = TestRedis.uniquePrefix(SingleFlightIntegrationTests.class);

	/** Longer than any bound a follower may wait for its leader. */
	static final long FOLLOWER_BOUND_SECONDS = 30;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestRedis::url);
		registry.add("ordercache.key-prefix", () -> PREFIX);
	}

	@AfterAll
	static void cleanUp() {
		TestRedis.deleteKeys(PREFIX);
	}

	@Autowired
	SingleFlightOrders orders;

	final RedisCommands<String, String> redis = TestRedis.commands();

	@Test
	void eachCallerGetsItsOwnCopyNotTheLeadersObject(TestInfo test) throws Exception {
		String period = period(test);
		this.orders.insert(period, "ORDER_1", "pending");
		SingleFlightOrders.Pause pause = this.orders.pauseNextLoad(period, "ORDER_1");
		Caller leader = Caller.start("leader", () -> this.orders.find(period, "ORDER_1"));
		try {
			assertThat(pause.read().await(10, TimeUnit.SECONDS)).as("the leader is loading").isTrue();
			Caller follower = Caller.start("follower", () -> this.orders.find(period, "ORDER_1"));
			await().atMost(FOLLOWER_BOUND_SECONDS, TimeUnit.SECONDS).until(follower::finishedOrWaitingForAnother);
			pause.release().countDown();
			TestOrder leaders = leader.result().orElseThrow();
			TestOrder followers = follower.result().orElseThrow();
			assertThat(followers).as("the follower's order").isNotSameAs(leaders);
			assertThat(followers).usingRecursiveComparison().isEqualTo(leaders);
		}
		finally {
			pause.release().countDown();
		}
	}

	@Test
	void aFollowerWaitsForTheLeaderOnlyABoundedTime(TestInfo test) throws Exception {
		String period = period(test);
		this.orders.insert(period, "ORDER_1", "pending");
		SingleFlightOrders.Pause pause = this.orders.pauseNextLoad(period, "ORDER_1");
		Caller leader = Caller.start("stuck-leader", () -> this.orders.find(period, "ORDER_1"));
		try {
			assertThat(pause.read().await(10, TimeUnit.SECONDS)).as("the leader is loading").isTrue();
			Caller follower = Caller.start("follower", () -> this.orders.find(period, "ORDER_1"));
			assertThat(follower.result()).as("the follower's own load, while the leader is still stuck")
				.get()
				.extracting(TestOrder::getStatus)
				.isEqualTo("pending");
			assertThat(leader.isDone()).as("the leader is still stuck").isFalse();
		}
		finally {
			pause.release().countDown();
		}
	}

	@Test
	void aReentrantCallWithTheSameArgumentsOnTheSameThreadCompletes(TestInfo test) throws Exception {
		String period = period(test);
		this.orders.insert(period, "ORDER_1", "pending");
		int loads = this.orders.loads();
		Caller caller = Caller.start("reentrant", () -> this.orders.findReentrant(period, "ORDER_1"));
		assertThat(caller.result()).get().extracting(TestOrder::getOrderNo).isEqualTo("ORDER_1");
		assertThat(this.orders.loads()).as("the outer and the nested call ran the method").isEqualTo(loads + 2);
	}

	@Test
	void aFollowerNeverGetsAResultReadBeforeAChangeAcknowledgedBeforeItStarted(TestInfo test) throws Exception {
		String period = period(test);
		this.orders.insert(period, "ORDER_1", "pending");
		SingleFlightOrders.Pause pause = this.orders.pauseNextLoad(period, "ORDER_1");
		Caller leader = Caller.start("leader", () -> this.orders.find(period, "ORDER_1"));
		try {
			assertThat(pause.read().await(10, TimeUnit.SECONDS)).as("the leader has read 'pending'").isTrue();
			this.orders.updateStatus(period, "ORDER_1", "paid");
			Caller follower = Caller.start("follower", () -> this.orders.find(period, "ORDER_1"));
			await().atMost(FOLLOWER_BOUND_SECONDS, TimeUnit.SECONDS).until(follower::finishedOrWaitingForAnother);
			pause.release().countDown();
			assertThat(follower.result()).as("started after the change to 'paid' was acknowledged")
				.get()
				.extracting(TestOrder::getStatus)
				.isEqualTo("paid");
			assertThat(leader.result()).isPresent();
			assertThat(this.redis.hget(PREFIX + period, "ORDER_1")).as("the leader's older read is not cached")
				.satisfiesAnyOf((json) -> assertThat(json).isNull(),
						(json) -> assertThat(json).contains("\"status\":\"paid\""));
		}
		finally {
			pause.release().countDown();
		}
	}

	private static String period(TestInfo test) {
		return test.getTestMethod().orElseThrow().getName();
	}

	/**
	 * A call of the service in its own (daemon) thread, so that a call that never returns cannot hold
	 * up the test JVM.
	 */
	private static final class Caller {

		private final Thread thread;

		private final FutureTask<Optional<TestOrder>> task;

		private Caller(Thread thread, FutureTask<Optional<TestOrder>> task) {
			this.thread = thread;
			this.task = task;
		}

		static Caller start(String name, Callable<Optional<TestOrder>> call) {
			FutureTask<Optional<TestOrder>> task = new FutureTask<>(call);
			Thread thread = new Thread(task, "single-flight-" + name);
			thread.setDaemon(true);
			thread.start();
			return new Caller(thread, task);
		}

		boolean isDone() {
			return this.task.isDone();
		}

		Optional<TestOrder> result() throws InterruptedException, ExecutionException {
			try {
				return this.task.get(FOLLOWER_BOUND_SECONDS, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				return fail("%s did not complete within %d s; it is stuck in%n%s", this.thread.getName(),
						FOLLOWER_BOUND_SECONDS, stack());
			}
		}

		/**
		 * Whether the call returned, or is parked inside ordercache waiting for another caller: not in
		 * the service's method, not in Redis I/O.
		 */
		boolean finishedOrWaitingForAnother() {
			if (this.task.isDone()) {
				return true;
			}
			Thread.State state = this.thread.getState();
			if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
				return false;
			}
			StackTraceElement[] frames = this.thread.getStackTrace();
			boolean inTheMethodOrIo = Arrays.stream(frames)
				.map(StackTraceElement::getClassName)
				.anyMatch((name) -> name.equals(SingleFlightOrders.class.getName()) || name.startsWith("io.lettuce.")
						|| name.startsWith("io.netty.") || name.startsWith("org.h2.")
						|| name.startsWith("com.zaxxer."));
			boolean inOrdercache = Arrays.stream(frames)
				.map(StackTraceElement::getClassName)
				.anyMatch((name) -> name.startsWith("io.fatamorgana.ordercache.")
						&& !name.startsWith("io.fatamorgana.ordercache.tx."));
			return !inTheMethodOrIo && inOrdercache;
		}

		private String stack() {
			StringBuilder stack = new StringBuilder();
			for (StackTraceElement frame : this.thread.getStackTrace()) {
				stack.append("\tat ").append(frame).append(System.lineSeparator());
			}
			return stack.toString();
		}

	}

}
