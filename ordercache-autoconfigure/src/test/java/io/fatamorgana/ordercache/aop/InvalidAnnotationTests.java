package io.fatamorgana.ordercache.aop;

import java.util.Optional;

import io.fatamorgana.ordercache.TestOrder;
import io.fatamorgana.ordercache.annotation.CacheOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import io.fatamorgana.ordercache.annotation.CachedPeriod;
import io.fatamorgana.ordercache.annotation.EvictOrder;
import io.fatamorgana.ordercache.autoconfigure.OrderCacheAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mistakes in annotations fail at startup, with a message naming the annotation and the method.
 */
class InvalidAnnotationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
					OrderCacheAutoConfiguration.class));

	@Test
	void invalidSpel() {
		assertStartupFails(BadSpel.class, "Invalid @CachedOrder on 'InvalidAnnotationTests.BadSpel.find(..)':"
				+ " 'period' is not a valid SpEL expression");
	}

	@Test
	void variableThatIsNoParameter() {
		assertStartupFails(UnknownVariable.class,
				"Invalid @CachedOrder on 'InvalidAnnotationTests.UnknownVariable.find(..)': 'orderNo' = \"#ordreNo\""
						+ " uses #ordreNo, which is not a parameter (parameters: period, orderNo)");
	}

	@Test
	void resultInAReadThroughKey() {
		assertStartupFails(ResultBeforeCall.class, "uses #result, which is not a parameter");
	}

	@Test
	void orderTypeWithoutIdentityProperties() {
		assertStartupFails(NoIdentity.class, "Invalid @CacheOrder on 'InvalidAnnotationTests.NoIdentity.create(..)':"
				+ " " + Unrelated.class.getName() + " has no property 'periodNumber'");
	}

	@Test
	void writeOfATypeWithOtherFieldNamesNamesItsPropertiesAndEveryFix() {
		assertStartupFails(NoIdentity.class, "set ordercache.identity.period-property to the property of Unrelated"
				+ " that holds it (it has: name), or define an OrderIdentityResolver bean; or give period and orderNo"
				+ " expressions on the annotation");
	}

	@Test
	void readOfATypeWithOtherFieldNamesDoesNotSuggestTheAnnotationsExpressions() {
		this.contextRunner.withBean(PurchaseReads.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure().rootCause().hasMessageContaining(
					"Invalid @CachedOrder on 'InvalidAnnotationTests.PurchaseReads.find(..)': " + Purchase.class.getName()
							+ " has no property 'periodNumber'")
				.hasMessageContaining("set ordercache.identity.period-property to the property of Purchase that holds"
						+ " it (it has: buyer, purchaseId, salesPeriod)")
				.hasMessageContaining("A read takes the identity of the orders it returns from the orders themselves")
				.hasMessageNotContaining("give period and orderNo");
		});
		this.contextRunner.withBean(PurchaseReads.class)
			.withPropertyValues("ordercache.identity.period-property=salesPeriod",
					"ordercache.identity.order-no-property=purchaseId")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void voidMethodWithDefaultOrder() {
		assertStartupFails(VoidResult.class, "the method returns void, so there is no #result");
	}

	@Test
	void evictWithoutTarget() {
		assertStartupFails(EvictNothing.class, "give 'order', or 'period' with 'orderNo' or allInPeriod = true");
	}

	@Test
	void evictAllWithOrderNumber() {
		assertStartupFails(EvictAllWithOrderNo.class, "'orderNo' cannot be combined with allInPeriod = true");
	}

	@Test
	void onlyOneOfPeriodAndOrderNo() {
		assertStartupFails(HalfIdentity.class, "give both 'period' and 'orderNo', or neither");
	}

	@Test
	void readThroughReturningObject() {
		assertStartupFails(ReturnsObject.class, "but must return the order class or Optional of it");
	}

	@Test
	void readThroughReturningAnInterface() {
		assertStartupFails(ReturnsInterface.class, "an interface or abstract class, which a cached order cannot be"
				+ " read as (the cache stores no class names)");
	}

	@Test
	void periodReadThroughNotReturningAList() {
		assertStartupFails(PeriodAsArray.class, "but must return List of the order class");
	}

	@Test
	void twoAnnotationsOnOneMethod() {
		assertStartupFails(TwoAnnotations.class, "use only one of @CacheOrder, @EvictOrder, @CachedOrder and @CachedPeriod");
	}

	@Test
	void finalMethodThatTheProxyCannotIntercept() {
		assertStartupFails(FinalMethod.class, "a private, static or final method is not intercepted");
	}

	@Test
	void theFirstValidMethodDoesNotHideALaterInvalidOne() {
		assertStartupFails(ValidThenInvalid.class, "ValidThenInvalid.zzz(..)': the method returns void");
	}

	private void assertStartupFails(Class<?> bean, String message) {
		this.contextRunner.withBean(bean).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure().rootCause().isInstanceOf(IllegalStateException.class)
				.hasMessageContaining(message);
		});
	}

	public static class BadSpel {

		@CachedOrder(period = "#period +", orderNo = "#orderNo")
		public TestOrder find(String period, String orderNo) {
			return null;
		}

	}

	public static class UnknownVariable {

		@CachedOrder(period = "#period", orderNo = "#ordreNo")
		public TestOrder find(String period, String orderNo) {
			return null;
		}

	}

	public static class ResultBeforeCall {

		@CachedOrder(period = "#period", orderNo = "#result.orderNo")
		public TestOrder find(String period, String orderNo) {
			return null;
		}

	}

	record Unrelated(String name) {
	}

	public static class Purchase {

		public String buyer;

		private final String purchaseId;

		private final String salesPeriod;

		public Purchase(String purchaseId, String salesPeriod) {
			this.purchaseId = purchaseId;
			this.salesPeriod = salesPeriod;
		}

		public String getPurchaseId() {
			return this.purchaseId;
		}

		public String getSalesPeriod() {
			return this.salesPeriod;
		}

	}

	public static class PurchaseReads {

		@CachedOrder(period = "#salesPeriod", orderNo = "#purchaseId")
		public Purchase find(String salesPeriod, String purchaseId) {
			return new Purchase(purchaseId, salesPeriod);
		}

	}

	public static class NoIdentity {

		@CacheOrder
		public Unrelated create(String name) {
			return new Unrelated(name);
		}

	}

	public static class VoidResult {

		@CacheOrder
		public void create(TestOrder order) {
		}

	}

	public static class EvictNothing {

		@EvictOrder
		public void delete(TestOrder order) {
		}

	}

	public static class EvictAllWithOrderNo {

		@EvictOrder(period = "#period", orderNo = "#orderNo", allInPeriod = true)
		public void delete(String period, String orderNo) {
		}

	}

	public static class HalfIdentity {

		@CacheOrder(period = "#order.periodNumber")
		public TestOrder save(TestOrder order) {
			return order;
		}

	}

	/** An order seen through an interface. */
	public interface OrderView {

		String getPeriodNumber();

		String getOrderNo();

	}

	public static class ReturnsInterface {

		@CachedOrder(period = "#period", orderNo = "#orderNo")
		public Optional<OrderView> find(String period, String orderNo) {
			return Optional.empty();
		}

	}

	public static class ReturnsObject {

		@CachedOrder(period = "#period", orderNo = "#orderNo")
		public Optional<Object> find(String period, String orderNo) {
			return Optional.empty();
		}

	}

	public static class PeriodAsArray {

		@CachedPeriod(period = "#period")
		public TestOrder[] find(String period) {
			return new TestOrder[0];
		}

	}

	public static class TwoAnnotations {

		@CacheOrder
		@EvictOrder(order = "#order")
		public TestOrder save(TestOrder order) {
			return order;
		}

	}

	public static class FinalMethod {

		@CacheOrder
		public final TestOrder save(TestOrder order) {
			return order;
		}

	}

	public static class ValidThenInvalid {

		@CacheOrder
		public TestOrder aaa(TestOrder order) {
			return order;
		}

		@CacheOrder
		public void zzz(TestOrder order) {
		}

	}

}
