/**
 * The programmatic API of ordercache: {@link io.fatamorgana.ordercache.OrderCacheService} and the
 * types it returns.
 */
@NullMarked
package io.fatamorgana.ordercache;

import org.jspecify.annotations.NullMarked;
