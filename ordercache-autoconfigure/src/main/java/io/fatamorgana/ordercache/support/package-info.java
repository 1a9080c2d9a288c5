/**
 * Internal implementation of the cache service, its counters and its failure log. Not API: use
 * {@link io.fatamorgana.ordercache.OrderCacheService} and the annotations.
 */
@NullMarked
package io.fatamorgana.ordercache.support;

import org.jspecify.annotations.NullMarked;
