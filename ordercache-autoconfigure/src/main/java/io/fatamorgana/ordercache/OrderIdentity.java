package io.fatamorgana.ordercache;

/**
 * Where an order lives in the cache: the period whose hash holds it and its field, the order number.
 *
 * @param period the period number, such as {@code 20241201_001}
 * @param orderNo the order number, such as {@code ORDER_20241201_001_001}
 */
public record OrderIdentity(String period, String orderNo) {
}
