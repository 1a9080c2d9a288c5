package io.fatamorgana.ordercache.codec;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Finds, once per order class, the JSON fields that hold its version, for the version guard of the
 * write script (docs/protocol.md): first a property annotated with {@code @jakarta.persistence.Version}
 * or {@code @org.springframework.data.annotation.Version}, whatever its name, then the configured
 * {@code ordercache.consistency.version-properties} the class has. A number compares as a number;
 * an {@code Instant}, {@code OffsetDateTime} (written in UTC) or {@code LocalDateTime} as time.
 */
public final class VersionFields {

	private static final Set<String> VERSION_ANNOTATIONS = Set.of("jakarta.persistence.Version",
			"org.springframework.data.annotation.Version");

	private final OrderCodec codec;

	private final List<String> configured;

	private final ClassValue<String> fields = new ClassValue<>() {
		@Override
		protected String computeValue(Class<?> type) {
			return String.join(",", find(type));
		}
	};

	/**
	 * Creates the lookup.
	 * @param codec names properties as the stored JSON does
	 * @param configured the configured version properties, first present wins
	 */
	public VersionFields(OrderCodec codec, List<String> configured) {
		this.codec = codec;
		this.configured = List.copyOf(configured);
	}

	/**
	 * The JSON fields holding the version of an order class, in the order they are tried.
	 * @param type the order class
	 * @return the JSON names, comma separated; empty when the class has no version
	 */
	public String of(Class<?> type) {
		return this.fields.get(type);
	}

	/**
	 * Tells whether the version guard can compare copies of an order class.
	 * @param type the order class
	 * @return whether it has a version property
	 */
	public boolean hasVersion(Class<?> type) {
		return !of(type).isEmpty();
	}

	/**
	 * The properties this lookup tries, to name them in a message.
	 * @return the annotation names and the configured properties
	 */
	public String describe() {
		return "@Version (jakarta.persistence or org.springframework.data.annotation), or one of "
				+ this.configured + " (ordercache.consistency.version-properties)";
	}

	private List<String> find(Class<?> type) {
		Set<String> names = new LinkedHashSet<>();
		annotated(type, names);
		for (String property : this.configured) {
			if (hasProperty(type, property)) {
				names.add(this.codec.jsonName(property));
			}
		}
		return new ArrayList<>(names);
	}

	private void annotated(Class<?> type, Set<String> names) {
		if (type.isRecord()) {
			for (RecordComponent component : type.getRecordComponents()) {
				if (isVersion(component.getAnnotations()) || isVersion(component.getAccessor().getAnnotations())) {
					names.add(this.codec.jsonName(component.getName()));
				}
			}
		}
		ReflectionUtils.doWithFields(type, (field) -> {
			if (isVersion(field.getAnnotations())) {
				names.add(this.codec.jsonName(field.getName()));
			}
		});
		ReflectionUtils.doWithMethods(type, (method) -> {
			String property = propertyOf(method);
			if (property != null && isVersion(method.getAnnotations())) {
				names.add(this.codec.jsonName(property));
			}
		});
	}

	private static boolean isVersion(Annotation[] annotations) {
		for (Annotation annotation : annotations) {
			if (VERSION_ANNOTATIONS.contains(annotation.annotationType().getName())) {
				return true;
			}
		}
		return false;
	}

	private static boolean hasProperty(Class<?> type, String property) {
		Field field = ReflectionUtils.findField(type, property);
		if (field != null) {
			return true;
		}
		String capitalized = StringUtils.capitalize(property);
		return ReflectionUtils.findMethod(type, "get" + capitalized) != null
				|| ReflectionUtils.findMethod(type, "is" + capitalized) != null
				|| ReflectionUtils.findMethod(type, property) != null && type.isRecord();
	}

	private static @Nullable String propertyOf(Method method) {
		if (method.getParameterCount() != 0) {
			return null;
		}
		String name = method.getName();
		if (name.startsWith("get") && name.length() > 3) {
			return StringUtils.uncapitalize(name.substring(3));
		}
		if (name.startsWith("is") && name.length() > 2) {
			return StringUtils.uncapitalize(name.substring(2));
		}
		return null;
	}

}
