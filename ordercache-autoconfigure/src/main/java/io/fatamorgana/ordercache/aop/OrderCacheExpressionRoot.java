package io.fatamorgana.ordercache.aop;

import java.lang.reflect.Method;

/**
 * The root object of ordercache expressions: {@code #root.methodName}, {@code #root.args},
 * {@code #root.target}, {@code #root.targetClass}.
 */
public final class OrderCacheExpressionRoot {

	private final Method method;

	private final Object[] args;

	private final Object target;

	private final Class<?> targetClass;

	OrderCacheExpressionRoot(Method method, Object[] args, Object target, Class<?> targetClass) {
		this.method = method;
		this.args = args;
		this.target = target;
		this.targetClass = targetClass;
	}

	/**
	 * The annotated method.
	 * @return the method
	 */
	public Method getMethod() {
		return this.method;
	}

	/**
	 * The name of the annotated method.
	 * @return the name
	 */
	public String getMethodName() {
		return this.method.getName();
	}

	/**
	 * The arguments of the call.
	 * @return the arguments
	 */
	public Object[] getArgs() {
		return this.args;
	}

	/**
	 * The bean the method was called on.
	 * @return the target
	 */
	public Object getTarget() {
		return this.target;
	}

	/**
	 * The class of the bean the method was called on.
	 * @return the target class
	 */
	public Class<?> getTargetClass() {
		return this.targetClass;
	}

}
