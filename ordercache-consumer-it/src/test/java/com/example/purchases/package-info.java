/**
 * Checks of the purchase service as a user would make them: what Redis holds, what the log says,
 * what happens without Redis.
 */
@NullMarked
package com.example.purchases;

import org.jspecify.annotations.NullMarked;
