package io.fatamorgana.ordercache.sample.order;

import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code PUT /orders/{period}/{orderNo}/status}, such as {@code {"status":"paid"}}.
 *
 * @param status the requested status
 */
record StatusChange(@NotNull @Nullable OrderStatus status) {
}
