package io.fatamorgana.ordercache.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The proxy fault tests use to make a subscription "connected and deaf": a subscriber through it
 * stays connected and receives nothing while silenced, then receives again on the same connection,
 * while data commands through the proxy work all along.
 */
class SilencingProxyTests {

	private static RedisProcess redis;

	private static RedisClient direct;

	private static StatefulRedisConnection<String, String> publisher;

	@BeforeAll
	static void start() {
		redis = RedisProcess.start();
		direct = RedisClient.create(redis.url());
		publisher = direct.connect();
	}

	@AfterAll
	static void stop() {
		publisher.close();
		direct.shutdown();
		redis.close();
	}

	@ParameterizedTest
	@EnumSource(value = ProtocolVersion.class, names = { "RESP2", "RESP3" })
	void aSilencedSubscriberStaysConnectedAndHearsNothingWhileDataCommandsWork(ProtocolVersion protocol) {
		String channel = "silence-" + protocol;
		try (SilencingProxy proxy = SilencingProxy.start(redis)) {
			RedisClient client = RedisClient.create(proxy.url());
			client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
			try {
				StatefulRedisConnection<String, String> data = client.connect();
				StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
				List<String> received = new CopyOnWriteArrayList<>();
				subscriber.addListener(new RedisPubSubAdapter<>() {

					@Override
					public void message(String from, String message) {
						received.add(message);
					}

				});
				subscriber.sync().subscribe(channel);
				assertThat(proxy.subscriberConnections()).isEqualTo(1);
				assertThat(proxy.connections()).isEqualTo(2);
				assertThat(publisher.sync().publish(channel, "before")).isEqualTo(1);
				await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("before"));

				proxy.silenceSubscribers(true);
				long dropped = proxy.droppedFrames();
				for (int i = 0; i < 20; i++) {
					assertThat(publisher.sync().publish(channel, "silenced-" + i)).as("still a receiver in Redis")
						.isEqualTo(1);
				}
				data.sync().set(channel + ":k", "v");
				assertThat(data.sync().get(channel + ":k")).as("data commands through the proxy").isEqualTo("v");
				String large = "x".repeat(200_000);
				data.sync().set(channel + ":large", large);
				assertThat(data.sync().get(channel + ":large")).isEqualTo(large);
				await().atMost(Duration.ofSeconds(10)).until(() -> proxy.droppedFrames() >= dropped + 20);
				assertThat(proxy.recentlyDropped()).anyMatch((frame) -> frame.contains("silenced-19"));
				assertThat(subscriber.isOpen()).isTrue();

				proxy.silenceSubscribers(false);
				assertThat(publisher.sync().publish(channel, "after")).isEqualTo(1);
				await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("after"));
				// Redis delivers a connection's messages in order: none of the silenced ones can still come.
				assertThat(received).containsExactly("before", "after");

				// The subscriber's connection still speaks RESP: a command and its reply, then another channel.
				subscriber.sync().subscribe(channel + "-2");
				assertThat(publisher.sync().publish(channel + "-2", "second")).isEqualTo(1);
				await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("second"));
				assertThat(data.sync().ping()).isEqualTo("PONG");
				subscriber.close();
				data.close();
			}
			finally {
				client.shutdown();
			}
		}
	}

	@Test
	void aConnectionThatSubscribesWhileSilencedNeverHearsItsConfirmation() {
		try (SilencingProxy proxy = SilencingProxy.start(redis)) {
			proxy.silenceSubscribers(true);
			RedisClient client = RedisClient.create(proxy.url());
			try {
				StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
				subscriber.setTimeout(Duration.ofSeconds(30));
				var confirmation = subscriber.async().subscribe("late");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> publisher.sync().pubsubNumsub("late").get("late") == 1L && proxy.droppedFrames() > 0);
				assertThat(confirmation.isDone()).as("confirmation dropped").isFalse();
				proxy.silenceSubscribers(false);
				// What follows the dropped confirmation is heard: a message on the channel.
				List<String> received = new CopyOnWriteArrayList<>();
				subscriber.addListener(new RedisPubSubAdapter<>() {

					@Override
					public void message(String from, String message) {
						received.add(message);
					}

				});
				publisher.sync().publish("late", "heard");
				await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("heard"));
				subscriber.closeAsync();
			}
			finally {
				client.shutdown();
			}
		}
	}

	@Test
	void closingTheProxyClosesItsConnections() {
		SilencingProxy proxy = SilencingProxy.start(redis);
		RedisClient client = RedisClient.create(proxy.url());
		client.setOptions(ClientOptions.builder().autoReconnect(false).build());
		try {
			StatefulRedisConnection<String, String> data = client.connect();
			assertThat(data.sync().ping()).isEqualTo("PONG");
			proxy.close();
			await().atMost(Duration.ofSeconds(10)).until(() -> !data.isOpen());
			assertThat(proxy.connections()).isZero();
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void framesAreFoundWhereverTheStreamIsCut() {
		List<String> frames = List.of("+OK\r\n", "-ERR bad thing\r\n", ":-12\r\n", "$5\r\nhe\r\nl\r\n", "$-1\r\n",
				"$0\r\n\r\n", "*-1\r\n", "*0\r\n", "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$11\r\n*2\r\n$1\r\nx\r\n\r\n",
				">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", "%2\r\n+a\r\n:1\r\n+b\r\n*2\r\n_\r\n#t\r\n",
				"|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n", "*2\r\n*2\r\n:1\r\n:2\r\n~1\r\n,1.5\r\n", "=8\r\ntxt:abcd\r\n",
				"(12345678901234567890\r\n", "!3\r\nerr\r\n", "_\r\n");
		byte[] stream = String.join("", frames).getBytes(StandardCharsets.US_ASCII);
		List<Integer> expected = new ArrayList<>();
		int end = 0;
		for (String frame : frames) {
			end += frame.length();
			expected.add(end);
		}
		SilencingProxy.RespFrames scanner = new SilencingProxy.RespFrames();
		List<Integer> found = new ArrayList<>();
		for (int i = 0; i < stream.length; i++) {
			assertThat(scanner.atBoundary()).isEqualTo(i == 0 || found.contains(i));
			if (scanner.next(stream[i])) {
				found.add(i + 1);
			}
		}
		assertThat(found).isEqualTo(expected);
		assertThat(scanner.atBoundary()).isTrue();
	}

}
