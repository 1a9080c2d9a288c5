package io.fatamorgana.ordercache;

/**
 * Reads the period and order number of an order object. The default reads the properties named by
 * {@code ordercache.identity.*} ({@code periodNumber} and {@code orderNo}); define a bean of this
 * type to read them any other way.
 */
public interface OrderIdentityResolver {

	/**
	 * Reads where an order lives in the cache. The values are validated by the caller.
	 * @param order the order
	 * @return its period and order number
	 * @throws IllegalArgumentException naming the property if the order's class has no such
	 * property or its value is {@code null}
	 */
	OrderIdentity resolve(Object order);

	/**
	 * Checks at startup that orders of a type can be resolved, so that a missing property fails
	 * early and not on the first cached call.
	 * @param orderType the declared order type of an annotated method
	 * @throws IllegalArgumentException with the reason if the type cannot be resolved
	 */
	default void checkSupported(Class<?> orderType) {
	}

}
