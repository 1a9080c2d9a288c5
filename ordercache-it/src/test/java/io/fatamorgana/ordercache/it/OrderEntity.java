package io.fatamorgana.ordercache.it;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/**
 * An order row ({@code oc_orders}) for the JPA variant.
 */
@Entity
@Table(name = "oc_orders")
@IdClass(OrderKey.class)
public class OrderEntity {

	@Id
	private String periodNumber = "";

	@Id
	private String orderNo = "";

	private String status = "";

	private long version;

	protected OrderEntity() {
	}

	OrderEntity(String periodNumber, String orderNo, String status, long version) {
		this.periodNumber = periodNumber;
		this.orderNo = orderNo;
		this.status = status;
		this.version = version;
	}

	Order toOrder() {
		return new Order(this.periodNumber, this.orderNo, this.status, this.version);
	}

}
