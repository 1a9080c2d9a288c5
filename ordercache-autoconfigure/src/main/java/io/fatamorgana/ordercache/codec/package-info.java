/**
 * Conversion between order objects and the JSON stored in Redis.
 */
@NullMarked
package io.fatamorgana.ordercache.codec;

import org.jspecify.annotations.NullMarked;
