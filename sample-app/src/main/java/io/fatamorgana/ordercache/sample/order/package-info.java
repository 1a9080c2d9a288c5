/**
 * Orders: the domain, its storage with JDBC, the service whose annotations keep the cache in step,
 * and the HTTP endpoints for orders and for the cache.
 */
@NullMarked
package io.fatamorgana.ordercache.sample.order;

import org.jspecify.annotations.NullMarked;
