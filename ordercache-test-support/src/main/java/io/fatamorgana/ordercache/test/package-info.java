/**
 * Test support: finds a real Redis for integration tests and starts Redis processes that fault
 * tests may stop, kill and restart.
 */
@NullMarked
package io.fatamorgana.ordercache.test;

import org.jspecify.annotations.NullMarked;
