package io.fatamorgana.ordercache.codec;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.data.annotation.Version;

import static org.assertj.core.api.Assertions.assertThat;

class VersionFieldsTests {

	private final VersionFields fields = new VersionFields(new OrderCodec(), List.of("version", "updatedAt"));

	@Test
	void anAnnotatedPropertyComesFirstWhateverItsName() {
		assertThat(this.fields.of(Annotated.class)).isEqualTo("lock_revision,updated_at");
		assertThat(this.fields.of(AnnotatedRecord.class)).isEqualTo("revision");
	}

	@Test
	void configuredPropertiesAreUsedWhenTheClassHasThem() {
		assertThat(this.fields.of(Plain.class)).isEqualTo("version,updated_at");
	}

	@Test
	void aClassWithoutAVersionHasNone() {
		assertThat(this.fields.of(Unversioned.class)).isEmpty();
		assertThat(this.fields.hasVersion(Unversioned.class)).isFalse();
	}

	static class Annotated {

		@Version
		long lockRevision;

		Instant updatedAt;

	}

	record AnnotatedRecord(String orderNo, @Version long revision) {
	}

	record Plain(String orderNo, long version, Instant updatedAt) {
	}

	record Unversioned(String orderNo, String status) {
	}

}
