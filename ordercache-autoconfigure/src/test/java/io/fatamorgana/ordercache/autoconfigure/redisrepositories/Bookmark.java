package io.fatamorgana.ordercache.autoconfigure.redisrepositories;

import org.springframework.data.annotation.Id;
import org.springframework.data.redis.core.RedisHash;

/**
 * An entity of a Redis repository, as an application that uses them next to the cache has.
 */
@RedisHash("ordercache_test_bookmarks")
public class Bookmark {

	@Id
	private final String id;

	private final String url;

	public Bookmark(String id, String url) {
		this.id = id;
		this.url = url;
	}

	public String getId() {
		return this.id;
	}

	public String getUrl() {
		return this.url;
	}

}
