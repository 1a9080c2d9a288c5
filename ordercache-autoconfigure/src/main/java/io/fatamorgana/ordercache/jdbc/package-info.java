/**
 * Pending evictions kept in a table of the application's database, so that they outlive the
 * instance that could not send them. Schema scripts under {@code io/fatamorgana/ordercache/jdbc/}.
 */
@NullMarked
package io.fatamorgana.ordercache.jdbc;

import org.jspecify.annotations.NullMarked;
