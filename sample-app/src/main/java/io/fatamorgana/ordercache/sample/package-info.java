/**
 * The seed's order service built on the ordercache starter: a Spring Boot web application that
 * keeps orders in a database and every period's orders in a Redis hash.
 */
@NullMarked
package io.fatamorgana.ordercache.sample;

import org.jspecify.annotations.NullMarked;
