package io.fatamorgana.ordercache.key;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import io.fatamorgana.ordercache.OrderIdentity;
import io.fatamorgana.ordercache.OrderIdentityResolver;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Reads an order's period and order number from two named properties: a getter
 * ({@code getPeriodNumber()}), a record-style accessor ({@code periodNumber()}) or a public field.
 * The accessors are looked up once per class.
 */
public final class PropertyOrderIdentityResolver implements OrderIdentityResolver {

	private final String periodProperty;

	private final String orderNoProperty;

	private final ClassValue<Accessors> accessors = new ClassValue<>() {
		@Override
		protected Accessors computeValue(Class<?> type) {
			return new Accessors(accessor(type, PropertyOrderIdentityResolver.this.periodProperty),
					accessor(type, PropertyOrderIdentityResolver.this.orderNoProperty));
		}
	};

	/**
	 * Creates a resolver.
	 * @param periodProperty the name of the period property, such as {@code periodNumber}
	 * @param orderNoProperty the name of the order number property, such as {@code orderNo}
	 */
	public PropertyOrderIdentityResolver(String periodProperty, String orderNoProperty) {
		Assert.hasText(periodProperty, "periodProperty must not be empty");
		Assert.hasText(orderNoProperty, "orderNoProperty must not be empty");
		this.periodProperty = periodProperty;
		this.orderNoProperty = orderNoProperty;
	}

	@Override
	public OrderIdentity resolve(Object order) {
		Accessors found = this.accessors.get(order.getClass());
		return new OrderIdentity(read(order, found.period(), this.periodProperty, "period-property"),
				read(order, found.orderNo(), this.orderNoProperty, "order-no-property"));
	}

	@Override
	public void checkSupported(Class<?> orderType) {
		Accessors found = this.accessors.get(orderType);
		requirePresent(orderType, found.period(), this.periodProperty, "period-property");
		requirePresent(orderType, found.orderNo(), this.orderNoProperty, "order-no-property");
	}

	private static String read(Object order, @Nullable Function<Object, @Nullable Object> accessor, String property,
			String setting) {
		Object value = requirePresent(order.getClass(), accessor, property, setting).apply(order);
		if (value == null) {
			throw new IllegalArgumentException("Order property '" + property + "' of "
					+ order.getClass().getSimpleName() + " is null");
		}
		return value.toString();
	}

	private static Function<Object, @Nullable Object> requirePresent(Class<?> type,
			@Nullable Function<Object, @Nullable Object> accessor, String property, String setting) {
		if (accessor == null) {
			throw new IllegalArgumentException(type.getName() + " has no property '" + property + "' (no get"
					+ StringUtils.capitalize(property) + "() or " + property + "() method and no public field '"
					+ property + "'): set ordercache.identity." + setting + " to the property of "
					+ type.getSimpleName() + " that holds it" + candidates(type)
					+ ", or define an OrderIdentityResolver bean");
		}
		return accessor;
	}

	/** The readable properties of a type, so the message can name the one the user means. */
	private static String candidates(Class<?> type) {
		Set<String> names = new TreeSet<>();
		if (type.isRecord()) {
			for (RecordComponent component : type.getRecordComponents()) {
				names.add(component.getName());
			}
		}
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() != null && descriptor.getReadMethod().getDeclaringClass() != Object.class) {
				names.add(descriptor.getName());
			}
		}
		for (Field field : type.getFields()) {
			if (!Modifier.isStatic(field.getModifiers())) {
				names.add(field.getName());
			}
		}
		return names.isEmpty() ? "" : " (it has: " + String.join(", ", names) + ")";
	}

	private static @Nullable Function<Object, @Nullable Object> accessor(Class<?> type, String property) {
		for (String name : new String[] { "get" + StringUtils.capitalize(property), property }) {
			Method method = ReflectionUtils.findMethod(type, name);
			if (method != null && !Modifier.isStatic(method.getModifiers()) && method.getReturnType() != void.class) {
				ReflectionUtils.makeAccessible(method);
				return (order) -> ReflectionUtils.invokeMethod(method, order);
			}
		}
		Field field = ReflectionUtils.findField(type, property);
		if (field != null && Modifier.isPublic(field.getModifiers()) && !Modifier.isStatic(field.getModifiers())) {
			ReflectionUtils.makeAccessible(field);
			return (order) -> ReflectionUtils.getField(field, order);
		}
		return null;
	}

	private record Accessors(@Nullable Function<Object, @Nullable Object> period,
			@Nullable Function<Object, @Nullable Object> orderNo) {
	}

}
