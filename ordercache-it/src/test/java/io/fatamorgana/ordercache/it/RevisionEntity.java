package io.fatamorgana.ordercache.it;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * The revision row of an order ({@code oc_revisions}) for the JPA variant: the last revision and
 * the status it left ({@code null}: the order does not exist).
 */
@Entity
@Table(name = "oc_revisions")
@IdClass(OrderKey.class)
public class RevisionEntity {

	@Id
	private String periodNumber = "";

	@Id
	private String orderNo = "";

	private long rev;

	private @Nullable String status;

	protected RevisionEntity() {
	}

	long next(@Nullable String status) {
		this.rev++;
		this.status = status;
		return this.rev;
	}

	boolean exists() {
		return this.status != null;
	}

}
