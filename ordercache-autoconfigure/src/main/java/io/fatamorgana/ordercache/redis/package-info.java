/**
 * The one place that talks to Redis: single-key commands and scripts on a period's hash.
 */
@NullMarked
package io.fatamorgana.ordercache.redis;

import org.jspecify.annotations.NullMarked;
