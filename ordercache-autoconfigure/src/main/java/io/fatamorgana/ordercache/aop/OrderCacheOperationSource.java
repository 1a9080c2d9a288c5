package io.fatamorgana.ordercache.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fatamorgana.ordercache.OrderIdentityResolver;
import io.fatamorgana.ordercache.annotation.CacheOrder;
import io.fatamorgana.ordercache.annotation.CachedOrder;
import io.fatamorgana.ordercache.annotation.CachedPeriod;
import io.fatamorgana.ordercache.annotation.EvictOrder;
import io.fatamorgana.ordercache.codec.VersionFields;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Parses the ordercache annotations of a class into {@link OrderCacheOperation}s, once per class,
 * the first time the class is matched (so at startup, when its proxy is created). Every mistake
 * that can be seen without running the method fails here, with a message naming the annotation and
 * the method: bad SpEL, a variable that is no parameter, a return type that cannot be cached, an
 * order type without the identity properties, a method a proxy cannot intercept.
 */
public final class OrderCacheOperationSource {

	private static final Log logger = LogFactory.getLog("io.fatamorgana.ordercache");

	private static final Set<Class<? extends Annotation>> ANNOTATIONS = Set.of(CacheOrder.class, EvictOrder.class,
			CachedOrder.class, CachedPeriod.class);

	private static final Pattern SINGLE_VARIABLE = Pattern.compile("#([A-Za-z_$][\\w$]*)");

	private static final Pattern POSITIONAL = Pattern.compile("[ap](\\d+)");

	// A read checks that what the method returned is the order asked for, and groups a period's
	// orders by their own identity: the annotation's expressions cannot stand in for it.
	private static final String READ_IDENTITY = ". A read takes the identity of the orders it returns from the"
			+ " orders themselves ('period' and 'orderNo' on the annotation only say which order is asked for)";

	private final SpelExpressionParser parser;

	private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final Supplier<OrderIdentityResolver> identityResolver;

	private final Supplier<VersionFields> versionFields;

	private final Set<Class<?>> warnedWithoutVersion = ConcurrentHashMap.newKeySet();

	private final Map<Class<?>, Map<Method, OrderCacheOperation>> operations = new ConcurrentHashMap<>();

	/**
	 * Creates an operation source.
	 * @param identityResolver supplies the resolver that default identities are checked against
	 * @param versionFields supplies the lookup of each order class's version, for a warning when
	 * there is none
	 * @param classLoader the class loader for compiled expressions
	 */
	public OrderCacheOperationSource(Supplier<OrderIdentityResolver> identityResolver,
			Supplier<VersionFields> versionFields, @Nullable ClassLoader classLoader) {
		this.identityResolver = identityResolver;
		this.versionFields = versionFields;
		this.parser = new SpelExpressionParser(
				new SpelParserConfiguration(SpelCompilerMode.MIXED, classLoader));
	}

	/**
	 * Tells whether a class may carry ordercache annotations at all (fast, no parsing).
	 * @param targetClass the class
	 * @return {@code false} if the class certainly has none
	 */
	boolean isCandidateClass(Class<?> targetClass) {
		return AnnotationUtils.isCandidateClass(targetClass, ANNOTATIONS);
	}

	/**
	 * The operation of a method, parsing the whole class on first use.
	 * @param method the method called, possibly declared by an interface
	 * @param targetClass the class of the bean, or {@code null} to use the method's class
	 * @return the operation, or {@code null} if the method has no ordercache annotation
	 * @throws IllegalStateException if an annotation of the class is invalid
	 */
	@Nullable OrderCacheOperation getOperation(Method method, @Nullable Class<?> targetClass) {
		Class<?> type = (targetClass != null) ? targetClass : method.getDeclaringClass();
		Map<Method, OrderCacheOperation> ofClass = this.operations.get(type);
		if (ofClass == null) {
			// Not computeIfAbsent: parsing may create beans whose own proxies come back here.
			ofClass = parseClass(type);
			this.operations.putIfAbsent(type, ofClass);
		}
		return ofClass.isEmpty() ? null : ofClass.get(AopUtils.getMostSpecificMethod(method, type));
	}

	private Map<Method, OrderCacheOperation> parseClass(Class<?> type) {
		if (!isCandidateClass(type)) {
			return Map.of();
		}
		Map<Method, OrderCacheOperation> parsed = new HashMap<>();
		ReflectionUtils.doWithMethods(type, (method) -> {
			Method specific = AopUtils.getMostSpecificMethod(method, type);
			if (!parsed.containsKey(specific)) {
				OrderCacheOperation operation = parse(specific, type);
				if (operation != null) {
					parsed.put(specific, operation);
				}
			}
		}, ReflectionUtils.USER_DECLARED_METHODS);
		return parsed.isEmpty() ? Map.of() : Map.copyOf(parsed);
	}

	private @Nullable OrderCacheOperation parse(Method method, Class<?> type) {
		List<Annotation> found = Stream
			.of(AnnotatedElementUtils.findMergedAnnotation(method, CacheOrder.class),
					AnnotatedElementUtils.findMergedAnnotation(method, EvictOrder.class),
					AnnotatedElementUtils.findMergedAnnotation(method, CachedOrder.class),
					AnnotatedElementUtils.findMergedAnnotation(method, CachedPeriod.class))
			.filter(Objects::nonNull)
			.map(Annotation.class::cast)
			.toList();
		if (found.isEmpty()) {
			return null;
		}
		Annotation annotation = found.get(0);
		Parser parser = new Parser(method, type, annotation.annotationType());
		if (found.size() > 1) {
			throw parser.invalid("use only one of @CacheOrder, @EvictOrder, @CachedOrder and @CachedPeriod on a method");
		}
		int modifiers = method.getModifiers();
		if (Modifier.isPrivate(modifiers) || Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers)) {
			throw parser.invalid("a private, static or final method is not intercepted by the proxy; make it public");
		}
		if (annotation instanceof CacheOrder cacheOrder) {
			return parser.cacheOrder(cacheOrder);
		}
		if (annotation instanceof EvictOrder evictOrder) {
			return parser.evictOrder(evictOrder);
		}
		if (annotation instanceof CachedOrder cachedOrder) {
			return parser.cachedOrder(cachedOrder);
		}
		return parser.cachedPeriod((CachedPeriod) annotation);
	}

	/** Parses one annotation of one method. */
	private final class Parser {

		private final Method method;

		private final String description;

		private final String @Nullable [] names;

		Parser(Method method, Class<?> type, Class<? extends Annotation> annotationType) {
			this.method = method;
			this.description = "@" + annotationType.getSimpleName() + " on '" + ClassUtils.getShortName(type) + "."
					+ method.getName() + "(..)'";
			this.names = OrderCacheOperationSource.this.parameterNames.getParameterNames(method);
		}

		OrderCacheOperation cacheOrder(CacheOrder annotation) {
			Expression order = expression("order", annotation.order(), "result");
			Expression period = optionalExpression("period", annotation.period(), "result", "order");
			Expression orderNo = optionalExpression("orderNo", annotation.orderNo(), "result", "order");
			requireBothOrNeither(period, orderNo);
			if (period == null) {
				checkIdentity(staticType(annotation.order()),
						"; or give period and orderNo expressions on the annotation");
			}
			return new OrderCacheOperation.Cache(this.description, order, period, orderNo);
		}

		OrderCacheOperation evictOrder(EvictOrder annotation) {
			Expression order = optionalExpression("order", annotation.order(), "result");
			Expression period = optionalExpression("period", annotation.period(), "result");
			Expression orderNo = optionalExpression("orderNo", annotation.orderNo(), "result");
			if (order != null) {
				if (period != null || orderNo != null || annotation.allInPeriod()) {
					throw invalid("give either 'order', or 'period' with 'orderNo' or allInPeriod = true, not both");
				}
				checkIdentity(staticType(annotation.order()),
						"; or give period and orderNo expressions instead of 'order'");
			}
			else if (period == null) {
				throw invalid("give 'order', or 'period' with 'orderNo' or allInPeriod = true");
			}
			else if (annotation.allInPeriod() == (orderNo != null)) {
				throw invalid(annotation.allInPeriod() ? "'orderNo' cannot be combined with allInPeriod = true"
						: "'orderNo' is required unless allInPeriod = true");
			}
			return new OrderCacheOperation.Evict(this.description, order, period, orderNo, annotation.allInPeriod());
		}

		OrderCacheOperation cachedOrder(CachedOrder annotation) {
			Expression period = expression("period", annotation.period());
			Expression orderNo = expression("orderNo", annotation.orderNo());
			ResolvableType returnType = ResolvableType.forMethodReturnType(this.method);
			boolean optional = Optional.class == returnType.toClass();
			Class<?> orderType = (optional ? returnType.getGeneric(0) : returnType).toClass();
			if (orderType == Object.class || orderType == void.class || orderType == Void.class
					|| orderType.isPrimitive()) {
				throw invalid("it returns " + returnType + ", but must return the order class or Optional of it");
			}
			requireConcrete(orderType);
			checkIdentity(orderType, READ_IDENTITY);
			return new OrderCacheOperation.Read(this.description, period, orderNo, orderType, optional);
		}

		OrderCacheOperation cachedPeriod(CachedPeriod annotation) {
			Expression period = expression("period", annotation.period());
			ResolvableType returnType = ResolvableType.forMethodReturnType(this.method);
			Class<?> orderType = returnType.getGeneric(0).toClass();
			if (List.class != returnType.toClass() || orderType == Object.class) {
				throw invalid("it returns " + returnType + ", but must return List of the order class");
			}
			requireConcrete(orderType);
			checkIdentity(orderType, READ_IDENTITY);
			return new OrderCacheOperation.ReadPeriod(this.description, period, orderType);
		}

		private void requireConcrete(Class<?> orderType) {
			if (orderType.isInterface() || Modifier.isAbstract(orderType.getModifiers())) {
				throw invalid("it returns " + orderType.getName() + ", an interface or abstract class, which a cached"
						+ " order cannot be read as (the cache stores no class names); return the concrete order class");
			}
		}

		private void requireBothOrNeither(@Nullable Expression period, @Nullable Expression orderNo) {
			if ((period == null) != (orderNo == null)) {
				throw invalid("give both 'period' and 'orderNo', or neither to read them from the order");
			}
		}

		private @Nullable Expression optionalExpression(String attribute, String text, String... variables) {
			return StringUtils.hasText(text) ? expression(attribute, text, variables) : null;
		}

		private Expression expression(String attribute, String text, String... variables) {
			if (!StringUtils.hasText(text)) {
				throw invalid("'" + attribute + "' must not be empty");
			}
			Expression expression;
			try {
				expression = OrderCacheOperationSource.this.parser.parseExpression(text);
			}
			catch (ParseException ex) {
				throw invalid("'" + attribute + "' is not a valid SpEL expression (" + ex.getMessage() + ")");
			}
			if (expression instanceof SpelExpression spel) {
				Set<String> used = new LinkedHashSet<>();
				collectVariables(spel.getAST(), used);
				for (String variable : used) {
					checkVariable(attribute, text, variable, Set.of(variables));
				}
			}
			return expression;
		}

		private void checkVariable(String attribute, String text, String variable, Set<String> extra) {
			if (extra.contains(variable) || variable.equals("root") || variable.equals("this")) {
				return;
			}
			Matcher positional = POSITIONAL.matcher(variable);
			if (positional.matches() && Integer.parseInt(positional.group(1)) < this.method.getParameterCount()) {
				return;
			}
			if (this.names != null && List.of(this.names).contains(variable)) {
				return;
			}
			String known = (this.names != null) ? String.join(", ", this.names)
					: "names unknown: compile with -parameters or use #p0, #p1, ...";
			String also = extra.isEmpty() ? "" : "; also available: #" + String.join(", #", extra);
			throw invalid("'" + attribute + "' = \"" + text + "\" uses #" + variable
					+ ", which is not a parameter (parameters: " + known + ")" + also);
		}

		private Class<?> staticType(String text) {
			Matcher single = SINGLE_VARIABLE.matcher(text.strip());
			if (!single.matches()) {
				return Object.class;
			}
			String variable = single.group(1);
			if (variable.equals("result")) {
				ResolvableType returnType = ResolvableType.forMethodReturnType(this.method);
				if (returnType.toClass() == void.class || returnType.toClass() == Void.class) {
					throw invalid("the method returns void, so there is no #result; point 'order' at a parameter");
				}
				return (Optional.class == returnType.toClass()) ? returnType.getGeneric(0).toClass()
						: returnType.toClass();
			}
			int index = parameterIndex(variable);
			return (index >= 0) ? this.method.getParameterTypes()[index] : Object.class;
		}

		private int parameterIndex(String variable) {
			Matcher positional = POSITIONAL.matcher(variable);
			if (positional.matches()) {
				return Integer.parseInt(positional.group(1));
			}
			return (this.names != null) ? List.of(this.names).indexOf(variable) : -1;
		}

		/**
		 * Checks that the identity of an order type can be read.
		 * @param orderType the order type
		 * @param otherFix what else fixes it on this annotation, appended to the resolver's reason
		 */
		private void checkIdentity(Class<?> orderType, String otherFix) {
			if (orderType == Object.class) {
				return;
			}
			try {
				OrderCacheOperationSource.this.identityResolver.get().checkSupported(orderType);
			}
			catch (IllegalArgumentException ex) {
				throw invalid(ex.getMessage() + otherFix);
			}
			VersionFields versions = OrderCacheOperationSource.this.versionFields.get();
			if (!versions.hasVersion(orderType) && OrderCacheOperationSource.this.warnedWithoutVersion.add(orderType)) {
				logger.warn("Order cache: " + orderType.getName() + " (" + this.description + ") has no version"
						+ " property: " + versions.describe() + ". Without one the cache cannot tell an older"
						+ " copy from a newer one, and a delayed write may replace a newer copy until the order's"
						+ " next change or the TTL. Add a version (for example a JPA @Version column).");
			}
		}

		IllegalStateException invalid(@Nullable String problem) {
			return new IllegalStateException("Invalid " + this.description + ": " + problem);
		}

	}

	private static void collectVariables(SpelNode node, Set<String> variables) {
		if (node instanceof VariableReference) {
			variables.add(node.toStringAST().substring(1));
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			collectVariables(node.getChild(i), variables);
		}
	}

}
