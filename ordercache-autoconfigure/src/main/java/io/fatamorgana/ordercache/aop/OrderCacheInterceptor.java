package io.fatamorgana.ordercache.aop;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.expression.EvaluationContext;

/**
 * The advice of annotated methods: finds the method's operation and hands the call to the
 * {@link OrderCacheExecutor}.
 */
final class OrderCacheInterceptor implements MethodInterceptor {

	private final OrderCacheOperationSource operationSource;

	private final Supplier<OrderCacheExecutor> executor;

	OrderCacheInterceptor(OrderCacheOperationSource operationSource, Supplier<OrderCacheExecutor> executor) {
		this.operationSource = operationSource;
		this.executor = executor;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Method method = invocation.getMethod();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : method.getDeclaringClass();
		OrderCacheOperation operation = this.operationSource.getOperation(method, targetClass);
		if (operation == null || target == null) {
			return invocation.proceed();
		}
		Object[] args = invocation.getArguments();
		boolean freshRead = !CallEntry.enteredExisting();
		return this.executor.get().execute(operation, new OrderCacheExecutor.Call() {

			@Override
			public @Nullable Object proceed() throws Throwable {
				return invocation.proceed();
			}

			@Override
			public EvaluationContext context(@Nullable Object result) {
				return OrderCacheExecutor.Call.context(method, args, target, targetClass, result);
			}

			@Override
			public Object flight() {
				return new Flight(target, method, Arrays.asList(args.clone()));
			}

			@Override
			public boolean freshRead() {
				return freshRead;
			}

		});
	}

	/**
	 * The identity of a call for single-flight loading: same bean, method and arguments.
	 * @param target the bean
	 * @param method the method
	 * @param args the arguments
	 */
	private record Flight(Object target, Method method, List<@Nullable Object> args) {
	}

}
