/**
 * Tests of the sample's embedded Redis.
 */
@NullMarked
package io.fatamorgana.ordercache.sample.redis;

import org.jspecify.annotations.NullMarked;
