/**
 * Auto-configuration of ordercache and its {@code ordercache.*} properties.
 */
@NullMarked
package io.fatamorgana.ordercache.autoconfigure;

import org.jspecify.annotations.NullMarked;
