package com.example.purchases;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.UUID;

import io.fatamorgana.ordercache.annotation.CacheOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import io.fatamorgana.ordercache.annotation.EvictOrder;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The purchase use cases. The database is the source of truth; the annotations keep each sales
 * period's hash in Redis in step with it, after commit.
 */
@Service
public class PurchaseService {

	private final PurchaseRepository purchases;

	public PurchaseService(PurchaseRepository purchases) {
		this.purchases = purchases;
	}

	/**
	 * Records a new purchase; the returned purchase is cached after the commit.
	 */
	@CacheOrder
	@Transactional
	public Purchase create(String salesPeriod, String buyer, BigDecimal amount) {
		String purchaseId = "P-" + UUID.randomUUID();
		return this.purchases.save(new Purchase(purchaseId, salesPeriod, buyer, amount));
	}

	/**
	 * Changes a purchase's status; the new version is cached after the commit.
	 */
	@CacheOrder
	@Transactional
	public Purchase changeStatus(String purchaseId, String status) {
		Purchase purchase = this.purchases.findById(purchaseId)
			.orElseThrow(() -> new PurchaseNotFoundException(purchaseId));
		purchase.setStatus(status);
		return this.purchases.save(purchase);   // cached as committed: with the version the flush gave it
	}

	/**
	 * Deletes a purchase; its cached copy is removed after the commit.
	 */
	@EvictOrder(period = "#salesPeriod", orderNo = "#purchaseId")
	@Transactional
	public void delete(String salesPeriod, String purchaseId) {
		this.purchases.deleteById(purchaseId);
	}

	/**
	 * Reads a purchase: from Redis when it is cached there (this method is then not called), else
	 * from the database, and then caches it.
	 */
	@CachedOrder(period = "#salesPeriod", orderNo = "#purchaseId")
	@Transactional(readOnly = true)
	public Optional<Purchase> find(String salesPeriod, String purchaseId) {
		return this.purchases.findById(purchaseId).filter((purchase) -> purchase.getSalesPeriod().equals(salesPeriod));
	}

}
