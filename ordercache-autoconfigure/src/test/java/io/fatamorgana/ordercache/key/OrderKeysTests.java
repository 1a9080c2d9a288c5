package io.fatamorgana.ordercache.key;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class OrderKeysTests {

	private final OrderKeys keys = new OrderKeys("fataMorgana_");

	@Test
	void namesThePeriodKeyWithThePrefix() {
		assertThat(this.keys.periodKey("20241201_001")).isEqualTo("fataMorgana_20241201_001");
	}

	@ParameterizedTest
	@ValueSource(strings = { "20241201_001", "a", "A-Z.0:9_x" })
	void acceptsLettersDigitsAndSeparators(String value) {
		assertThat(this.keys.orderNo(value)).isEqualTo(value);
	}

	@ParameterizedTest
	@ValueSource(strings = { "*", "2024*", "20?", "a b", "a\nb", "\u671f\u53f7", "[x]", "a\u0000b", "x/y" })
	void rejectsGlobSpaceControlAndUnicodeCharacters(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.periodKey(value))
			.withMessageStartingWith("Invalid period number '")
			.withMessageContaining("may only contain");
	}

	@Test
	void rejectsNullEmptyBlankAndTooLong() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.orderNo(null))
			.withMessage("Invalid order number null: must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.orderNo(""))
			.withMessage("Invalid order number '': must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.orderNo("   "))
			.withMessageContaining("may only contain");
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.orderNo("x".repeat(129)))
			.withMessageContaining("must be at most 128 characters long but has 129");
		assertThat(this.keys.orderNo("x".repeat(128))).hasSize(128);
	}

	@Test
	void quotesControlCharactersInMessages() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.periodKey("a\nb"))
			.withMessageStartingWith("Invalid period number 'a\\u000ab'");
	}

	@Test
	void rejectsInvalidPrefix() {
		assertThatIllegalArgumentException().isThrownBy(() -> new OrderKeys("fata*"))
			.withMessageStartingWith("Invalid key prefix 'fata*'");
	}

}
