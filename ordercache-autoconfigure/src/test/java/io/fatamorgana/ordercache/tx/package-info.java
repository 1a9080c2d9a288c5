/**
 * Tests of how the cache follows Spring transactions (issue 13): propagation, methods that commit
 * and throw, after-commit callbacks, loads in pre-existing transactions, when a cached order is
 * turned into JSON, reads after changes in the same transaction, single-flight and
 * {@code OrderCacheService} inside transactions.
 */
@NullMarked
package io.fatamorgana.ordercache.tx;

import org.jspecify.annotations.NullMarked;
