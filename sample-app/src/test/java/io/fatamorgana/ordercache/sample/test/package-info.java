/**
 * Helpers of the sample's end-to-end tests: an HTTP client, a statement counter, databases.
 */
@NullMarked
package io.fatamorgana.ordercache.sample.test;

import org.jspecify.annotations.NullMarked;
