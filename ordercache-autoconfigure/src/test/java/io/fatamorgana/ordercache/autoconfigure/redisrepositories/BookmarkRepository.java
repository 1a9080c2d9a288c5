package io.fatamorgana.ordercache.autoconfigure.redisrepositories;

import org.springframework.data.repository.CrudRepository;

/**
 * A Redis repository.
 */
public interface BookmarkRepository extends CrudRepository<Bookmark, String> {

}
