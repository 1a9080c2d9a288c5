/**
 * Tests of what the cache guarantees whatever Redis holds (issue 14): entries naming another order,
 * versions newer than a restored database, ghosts, garbage, foreign key types, tombstone and TTL
 * rules, a restart against a Redis that kept its data, and no order data in the warnings.
 */
@NullMarked
package io.fatamorgana.ordercache.poison;

import org.jspecify.annotations.NullMarked;
