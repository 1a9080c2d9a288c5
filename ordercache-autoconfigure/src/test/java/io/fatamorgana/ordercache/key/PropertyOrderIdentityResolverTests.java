package io.fatamorgana.ordercache.key;

import io.fatamorgana.ordercache.OrderIdentity;
import io.fatamorgana.ordercache.TestOrder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class PropertyOrderIdentityResolverTests {

	private final PropertyOrderIdentityResolver resolver = new PropertyOrderIdentityResolver("periodNumber", "orderNo");

	@Test
	void readsGetters() {
		assertThat(this.resolver.resolve(TestOrder.of("P1", "O1"))).isEqualTo(new OrderIdentity("P1", "O1"));
	}

	@Test
	void readsRecordAccessorsAndNonStringValues() {
		assertThat(this.resolver.resolve(new RecordOrder(20241201L, "O2"))).isEqualTo(new OrderIdentity("20241201", "O2"));
	}

	@Test
	void readsPublicFields() {
		FieldOrder order = new FieldOrder();
		order.periodNumber = "P3";
		order.orderNo = "O3";
		assertThat(this.resolver.resolve(order)).isEqualTo(new OrderIdentity("P3", "O3"));
	}

	@Test
	void namesTheMissingPropertyAndTheSettingToChange() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.resolver.checkSupported(Unrelated.class))
			.withMessageContaining("has no property 'periodNumber'")
			.withMessageContaining("ordercache.identity.period-property");
		assertThatIllegalArgumentException().isThrownBy(() -> this.resolver.resolve(new Unrelated("x")))
			.withMessageContaining("has no property 'periodNumber'");
		assertThatNoException().isThrownBy(() -> this.resolver.checkSupported(TestOrder.class));
	}

	@Test
	void rejectsNullValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.resolver.resolve(new RecordOrder(null, "O")))
			.withMessage("Order property 'periodNumber' of RecordOrder is null");
	}

	@Test
	void readsConfiguredPropertyNames() {
		PropertyOrderIdentityResolver custom = new PropertyOrderIdentityResolver("name", "name");
		assertThat(custom.resolve(new Unrelated("same"))).isEqualTo(new OrderIdentity("same", "same"));
	}

	record RecordOrder(Long periodNumber, String orderNo) {
	}

	static class FieldOrder {

		public String periodNumber;

		public String orderNo;

	}

	record Unrelated(String name) {
	}

}
