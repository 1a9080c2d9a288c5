package com.example.purchases;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * The purchases in the database, by purchase id.
 */
public interface PurchaseRepository extends JpaRepository<Purchase, String> {

}
