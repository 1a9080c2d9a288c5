/**
 * Tests of the sample's order components on their own.
 */
@NullMarked
package io.fatamorgana.ordercache.sample.order;

import org.jspecify.annotations.NullMarked;
