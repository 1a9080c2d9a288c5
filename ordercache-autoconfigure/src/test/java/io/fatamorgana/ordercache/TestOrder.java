package io.fatamorgana.ordercache;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * An order shaped like the design document's example, as a user's own class would be.
 */
public class TestOrder {

	private String orderNo;

	private String uid;

	private String periodNumber;

	private BigDecimal amount;

	private BigDecimal profitAmount;

	private int likeCount;

	private int shareCount;

	private int followCount;

	private int favoriteCount;

	private String status;

	private Instant expireTime;

	private Instant createdAt;

	private Instant updatedAt;

	public TestOrder() {
	}

	public static TestOrder seedExample() {
		TestOrder order = new TestOrder();
		order.orderNo = "ORDER_20241201_001_001";
		order.uid = "user123";
		order.periodNumber = "20241201_001";
		order.amount = new BigDecimal("100.00");
		order.profitAmount = new BigDecimal("5.00");
		order.likeCount = 10;
		order.shareCount = 5;
		order.followCount = 3;
		order.favoriteCount = 2;
		order.status = "pending";
		order.expireTime = Instant.parse("2024-12-01T10:05:00Z");
		order.createdAt = Instant.parse("2024-12-01T10:00:00Z");
		order.updatedAt = Instant.parse("2024-12-01T10:00:00Z");
		return order;
	}

	public static TestOrder of(String period, String orderNo) {
		TestOrder order = seedExample();
		order.periodNumber = period;
		order.orderNo = orderNo;
		return order;
	}

	public TestOrder withStatus(String status) {
		TestOrder copy = of(this.periodNumber, this.orderNo);
		copy.amount = this.amount;
		copy.status = status;
		return copy;
	}

	public TestOrder withAmount(String amount) {
		TestOrder copy = withStatus(this.status);
		copy.amount = new BigDecimal(amount);
		return copy;
	}

	public String getOrderNo() {
		return this.orderNo;
	}

	public void setOrderNo(String orderNo) {
		this.orderNo = orderNo;
	}

	public String getUid() {
		return this.uid;
	}

	public void setUid(String uid) {
		this.uid = uid;
	}

	public String getPeriodNumber() {
		return this.periodNumber;
	}

	public void setPeriodNumber(String periodNumber) {
		this.periodNumber = periodNumber;
	}

	public BigDecimal getAmount() {
		return this.amount;
	}

	public void setAmount(BigDecimal amount) {
		this.amount = amount;
	}

	public BigDecimal getProfitAmount() {
		return this.profitAmount;
	}

	public void setProfitAmount(BigDecimal profitAmount) {
		this.profitAmount = profitAmount;
	}

	public int getLikeCount() {
		return this.likeCount;
	}

	public void setLikeCount(int likeCount) {
		this.likeCount = likeCount;
	}

	public int getShareCount() {
		return this.shareCount;
	}

	public void setShareCount(int shareCount) {
		this.shareCount = shareCount;
	}

	public int getFollowCount() {
		return this.followCount;
	}

	public void setFollowCount(int followCount) {
		this.followCount = followCount;
	}

	public int getFavoriteCount() {
		return this.favoriteCount;
	}

	public void setFavoriteCount(int favoriteCount) {
		this.favoriteCount = favoriteCount;
	}

	public String getStatus() {
		return this.status;
	}

	public void setStatus(String status) {
		this.status = status;
	}

	public Instant getExpireTime() {
		return this.expireTime;
	}

	public void setExpireTime(Instant expireTime) {
		this.expireTime = expireTime;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

	public void setCreatedAt(Instant createdAt) {
		this.createdAt = createdAt;
	}

	public Instant getUpdatedAt() {
		return this.updatedAt;
	}

	public void setUpdatedAt(Instant updatedAt) {
		this.updatedAt = updatedAt;
	}

}
