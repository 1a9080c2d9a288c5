/**
 * A purchase service that caches its purchases with ordercache.
 */
@NullMarked
package com.example.purchases;

import org.jspecify.annotations.NullMarked;
