/**
 * A Redis repository, for the test that the starter leaves them to the application.
 */
@NullMarked
package io.fatamorgana.ordercache.autoconfigure.redisrepositories;

import org.jspecify.annotations.NullMarked;
