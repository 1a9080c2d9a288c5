/**
 * End-to-end tests of the sample over HTTP, against a real Redis and H2, PostgreSQL or MariaDB.
 */
@NullMarked
package io.fatamorgana.ordercache.sample;

import org.jspecify.annotations.NullMarked;
