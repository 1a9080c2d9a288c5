package io.fatamorgana.ordercache.aop;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.core.Ordered;

/**
 * Runs before every other advice on {@code @CachedOrder} and {@code @CachedPeriod} methods and notes
 * whether the call entered an existing transaction or persistence context, whose snapshot may be
 * older than the load token; what such a call loads is not cached. Its order is
 * {@link Ordered#HIGHEST_PRECEDENCE}, outside the transaction advisor, which the
 * {@link OrderCacheAdvisor} runs inside of.
 */
public final class OrderCacheEntryAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	private final transient Pointcut pointcut;

	private final transient Advice advice = new CallEntry();

	/**
	 * Creates the advisor.
	 * @param operationSource parses the annotations
	 */
	public OrderCacheEntryAdvisor(OrderCacheOperationSource operationSource) {
		this.pointcut = OrderCacheAdvisor.pointcut(operationSource, true);
		setOrder(Ordered.HIGHEST_PRECEDENCE);
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
