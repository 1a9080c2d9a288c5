/**
 * Starts an embedded Redis for the sample when none is configured or reachable, so that it runs on
 * a machine with only a JDK. Sample only: the starter never starts a Redis.
 */
@NullMarked
package io.fatamorgana.ordercache.sample.redis;

import org.jspecify.annotations.NullMarked;
