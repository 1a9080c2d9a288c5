/**
 * Annotations that keep the order cache in step with the annotated service methods.
 */
@NullMarked
package io.fatamorgana.ordercache.annotation;

import org.jspecify.annotations.NullMarked;
