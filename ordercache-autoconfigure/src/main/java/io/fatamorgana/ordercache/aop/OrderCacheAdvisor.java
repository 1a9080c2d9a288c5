package io.fatamorgana.ordercache.aop;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Applies the ordercache interceptor to every method with {@code @CacheOrder}, {@code @EvictOrder}
 * or {@code @CachedOrder}. Matching parses the annotations, so invalid ones fail when the bean's
 * proxy is created, at startup.
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
		this.pointcut = new StaticMethodMatcherPointcut() {

			{
				setClassFilter(operationSource::isCandidateClass);
			}

			@Override
			public boolean matches(Method method, Class<?> targetClass) {
				return operationSource.getOperation(method, targetClass) != null;
			}

		};
		this.advice = new OrderCacheInterceptor(operationSource, executor);
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
