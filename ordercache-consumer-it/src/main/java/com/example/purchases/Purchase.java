package com.example.purchases;

import java.math.BigDecimal;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;
import org.jspecify.annotations.Nullable;

/**
 * A purchase, stored by JPA and cached as the JSON of its properties. Its sales period and purchase
 * id are the cache's period and order number ({@code ordercache.identity.*} in application.yml);
 * its {@code @Version} keeps an older copy from replacing a newer one in the cache.
 */
@Entity
public class Purchase {

	@Id
	private String purchaseId;

	private String salesPeriod;

	private String buyer;

	private BigDecimal amount;

	private String status;

	@Version
	private @Nullable Long version;

	/** For JPA and Jackson. */
	protected Purchase() {
	}

	public Purchase(String purchaseId, String salesPeriod, String buyer, BigDecimal amount) {
		this.purchaseId = purchaseId;
		this.salesPeriod = salesPeriod;
		this.buyer = buyer;
		this.amount = amount;
		this.status = "NEW";
	}

	public String getPurchaseId() {
		return this.purchaseId;
	}

	public String getSalesPeriod() {
		return this.salesPeriod;
	}

	public String getBuyer() {
		return this.buyer;
	}

	public BigDecimal getAmount() {
		return this.amount;
	}

	public String getStatus() {
		return this.status;
	}

	public void setStatus(String status) {
		this.status = status;
	}

	public @Nullable Long getVersion() {
		return this.version;
	}

}
