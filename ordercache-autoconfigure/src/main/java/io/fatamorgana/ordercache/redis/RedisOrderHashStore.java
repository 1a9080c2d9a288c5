package io.fatamorgana.ordercache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.HashOperations;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.util.Assert;

/**
 * {@link OrderHashStore} on the application's {@link RedisConnectionFactory}, with a template of
 * its own (string keys and fields, raw byte values) that is never exposed as a bean. Writes go
 * through a Lua script that sets the fields and the TTL together; Spring Data Redis sends it by
 * EVALSHA and falls back to EVAL once when the server does not know it yet.
 */
public final class RedisOrderHashStore implements OrderHashStore {

	private static final RedisScript<Long> PUT = script("put.lua");

	private static final RedisScript<Long> DELETE_IF_EQUALS = script("delete-if-equals.lua");

	private final RedisTemplate<String, byte[]> template;

	private final HashOperations<String, String, byte[]> hashes;

	/**
	 * Creates a store.
	 * @param connectionFactory the application's Redis connection factory
	 */
	public RedisOrderHashStore(RedisConnectionFactory connectionFactory) {
		Assert.notNull(connectionFactory, "connectionFactory must not be null");
		RedisTemplate<String, byte[]> template = new RedisTemplate<>();
		template.setConnectionFactory(connectionFactory);
		template.setEnableDefaultSerializer(false);
		template.setKeySerializer(RedisSerializer.string());
		template.setHashKeySerializer(RedisSerializer.string());
		template.setValueSerializer(RedisSerializer.byteArray());
		template.setHashValueSerializer(RedisSerializer.byteArray());
		template.afterPropertiesSet();
		this.template = template;
		this.hashes = template.opsForHash();
	}

	@Override
	public void put(String key, Map<String, byte[]> entries, Duration ttl) {
		Assert.notEmpty(entries, "entries must not be empty");
		Object[] args = new Object[1 + 2 * entries.size()];
		args[0] = utf8(Long.toString(ttl.toMillis()));
		int i = 1;
		for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
			args[i++] = utf8(entry.getKey());
			args[i++] = entry.getValue();
		}
		this.template.execute(PUT, List.of(key), args);
	}

	@Override
	public byte @Nullable [] get(String key, String field) {
		return this.hashes.get(key, field);
	}

	@Override
	public Map<String, byte[]> entries(String key) {
		return this.hashes.entries(key);
	}

	@Override
	public long size(String key) {
		return this.hashes.size(key);
	}

	@Override
	public boolean exists(String key, String field) {
		return this.hashes.hasKey(key, field);
	}

	@Override
	public boolean delete(String key, String field) {
		return this.hashes.delete(key, field) > 0;
	}

	@Override
	public boolean deleteIfEquals(String key, String field, byte[] expected) {
		Long removed = this.template.execute(DELETE_IF_EQUALS, List.of(key), utf8(field), expected);
		return removed != null && removed > 0;
	}

	@Override
	public boolean deleteKey(String key) {
		return Boolean.TRUE.equals(this.template.unlink(key));
	}

	private static byte[] utf8(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static RedisScript<Long> script(String name) {
		return RedisScript.of(new ClassPathResource(name, RedisOrderHashStore.class), Long.class);
	}

}
