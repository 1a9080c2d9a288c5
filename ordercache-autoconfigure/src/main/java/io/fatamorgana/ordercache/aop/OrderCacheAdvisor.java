package io.fatamorgana.ordercache.aop;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Applies the ordercache interceptor to every method with {@code @CacheOrder}, {@code @EvictOrder},
 * {@code @CachedOrder} or {@code @CachedPeriod}. Matching parses the annotations, so invalid ones
 * fail when the bean's proxy is created, at startup. Its order ({@code ordercache.advisor-order},
 * lowest precedence by default) puts it inside the transaction advisor, so that a change joins the
 * transaction of the method that made it ({@code REQUIRES_NEW}, {@code NOT_SUPPORTED}).
 */
public final class OrderCacheAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	private final transient Pointcut pointcut;

	private final transient Advice advice;

	/**
	 * Creates the advisor.
	 * @param operationSource parses the annotations
	 * @param executor supplies the executor on first use, so that Redis is not touched while
	 * proxies are being created
	 */
	public OrderCacheAdvisor(OrderCacheOperationSource operationSource, Supplier<OrderCacheExecutor> executor) {
		this.pointcut = pointcut(operationSource, false);
		this.advice = new OrderCacheInterceptor(operationSource, executor);
	}

	/**
	 * The methods of the ordercache annotations.
	 * @param operationSource parses the annotations
	 * @param readsOnly whether to match only {@code @CachedOrder} and {@code @CachedPeriod}
	 * @return the pointcut
	 */
	static Pointcut pointcut(OrderCacheOperationSource operationSource, boolean readsOnly) {
		return new StaticMethodMatcherPointcut() {

			{
				setClassFilter(operationSource::isCandidateClass);
			}

			@Override
			public boolean matches(Method method, Class<?> targetClass) {
				OrderCacheOperation operation = operationSource.getOperation(method, targetClass);
				return (operation != null) && (!readsOnly || operation instanceof OrderCacheOperation.Read
						|| operation instanceof OrderCacheOperation.ReadPeriod);
			}

		};
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
	}

}
