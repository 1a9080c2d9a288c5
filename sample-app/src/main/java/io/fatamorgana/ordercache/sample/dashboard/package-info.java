/**
 * The dashboard page's data: the starter's meters sampled into a short history, the cached periods
 * and the warm-up, served as JSON to {@code static/index.html}.
 */
@NullMarked
package io.fatamorgana.ordercache.sample.dashboard;

import org.jspecify.annotations.NullMarked;
