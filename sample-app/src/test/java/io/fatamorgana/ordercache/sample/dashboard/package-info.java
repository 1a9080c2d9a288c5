/**
 * Tests of the dashboard's history.
 */
@NullMarked
package io.fatamorgana.ordercache.sample.dashboard;

import org.jspecify.annotations.NullMarked;
