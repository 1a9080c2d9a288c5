/**
 * Validation of period and order numbers, key naming and reading an order's identity.
 */
@NullMarked
package io.fatamorgana.ordercache.key;

import org.jspecify.annotations.NullMarked;
