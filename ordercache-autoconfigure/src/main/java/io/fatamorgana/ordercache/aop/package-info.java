/**
 * The annotation pipeline: annotations are parsed once per method into operations, the interceptor
 * hands each call to the executor, which evaluates keys, defers writes to after commit and keeps
 * cache failures away from the caller.
 */
@NullMarked
package io.fatamorgana.ordercache.aop;

import org.jspecify.annotations.NullMarked;
