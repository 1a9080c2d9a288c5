/**
 * The near cache: an opt-in level in the application's memory in front of Redis for reads of one
 * order, kept coherent by messages that the scripts changing a period publish (docs/protocol.md,
 * "Near cache"). Internal: configured by {@code ordercache.near-cache.*}.
 */
@NullMarked
package io.fatamorgana.ordercache.near;

import org.jspecify.annotations.NullMarked;
