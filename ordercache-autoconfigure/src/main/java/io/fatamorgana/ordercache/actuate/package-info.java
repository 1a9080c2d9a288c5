/**
 * Micrometer meters, the Actuator endpoint and the health indicator of the order cache.
 */
@NullMarked
package io.fatamorgana.ordercache.actuate;

import org.jspecify.annotations.NullMarked;
