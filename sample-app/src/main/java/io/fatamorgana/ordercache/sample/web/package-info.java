/**
 * HTTP error handling: RFC 9457 problem details that name the offending field.
 */
@NullMarked
package io.fatamorgana.ordercache.sample.web;

import org.jspecify.annotations.NullMarked;
