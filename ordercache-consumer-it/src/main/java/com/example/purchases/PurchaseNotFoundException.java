package com.example.purchases;

/**
 * Thrown when a purchase asked for does not exist.
 */
public class PurchaseNotFoundException extends RuntimeException {

	public PurchaseNotFoundException(String purchaseId) {
		super("No purchase " + purchaseId);
	}

}
