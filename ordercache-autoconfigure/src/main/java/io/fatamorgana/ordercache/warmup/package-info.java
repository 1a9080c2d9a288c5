/**
 * Warm-up of hot periods at startup: the source SPI, the provider of hot periods and the runner.
 */
@NullMarked
package io.fatamorgana.ordercache.warmup;

import org.jspecify.annotations.NullMarked;
