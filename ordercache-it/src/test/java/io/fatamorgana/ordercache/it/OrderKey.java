package io.fatamorgana.ordercache.it;

import java.io.Serializable;

/**
 * The identity of an order row and of its revision row, as JPA's id class.
 *
 * @param periodNumber the period
 * @param orderNo the order
 */
public record OrderKey(String periodNumber, String orderNo) implements Serializable {
}
