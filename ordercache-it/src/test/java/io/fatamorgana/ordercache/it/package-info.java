/**
 * A Jepsen-style history checker and randomized suites over every transaction shape, run by
 * several application contexts that share one Redis and one database.
 */
@NullMarked
package io.fatamorgana.ordercache.it;

import org.jspecify.annotations.NullMarked;
