package io.fatamorgana.ordercache.autoconfigure;

import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.transaction.interceptor.TransactionInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup warning about an ordercache advisor outside a transaction advisor names a fix that
 * can be made.
 */
class AdvisorOrderCheckTests {

	@Test
	void whenTheTransactionAdvisorHasAnOrderBelowTheLowestThenEitherFixIsNamed() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("orderCacheAdvisor", advisor(noOp(), 0));
		beanFactory.registerSingleton("transactionAdvisor", advisor(new TransactionInterceptor(), 100));
		assertThat(new AdvisorOrderCheck(beanFactory, "orderCacheAdvisor").problem())
			.contains("runs outside the transaction advisor 'transactionAdvisor' (order 100)")
			.contains("@EnableTransactionManagement(order = 0)")
			.contains("or set ordercache.advisor-order above 100.");
	}

	@Test
	void whenTheTransactionAdvisorHasTheLowestPrecedenceThenTheCachesDefaultOrderIsNamed() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("transactionAdvisor",
				advisor(new TransactionInterceptor(), Ordered.LOWEST_PRECEDENCE));
		beanFactory.registerSingleton("orderCacheAdvisor", advisor(noOp(), 0));
		assertThat(new AdvisorOrderCheck(beanFactory, "orderCacheAdvisor").problem())
			.contains("@EnableTransactionManagement(order = 0)")
			.contains("or remove the ordercache.advisor-order setting")
			.doesNotContain("above");
	}

	@Test
	void whenBothHaveTheLowestPrecedenceThenOnlyRaisingTheTransactionAdvisorIsNamed() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("orderCacheAdvisor", advisor(noOp(), Ordered.LOWEST_PRECEDENCE));
		beanFactory.registerSingleton("transactionAdvisor",
				advisor(new TransactionInterceptor(), Ordered.LOWEST_PRECEDENCE));
		assertThat(new AdvisorOrderCheck(beanFactory, "orderCacheAdvisor").problem())
			.contains("runs outside the transaction advisor 'transactionAdvisor'")
			.contains("@EnableTransactionManagement(order = 0)")
			.doesNotContain("ordercache.advisor-order");
	}

	@Test
	void whenTheCacheRunsInsideThenNothingIsReported() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("transactionAdvisor",
				advisor(new TransactionInterceptor(), Ordered.LOWEST_PRECEDENCE));
		beanFactory.registerSingleton("orderCacheAdvisor", advisor(noOp(), Ordered.LOWEST_PRECEDENCE));
		assertThat(new AdvisorOrderCheck(beanFactory, "orderCacheAdvisor").problem()).isNull();
	}

	private static DefaultPointcutAdvisor advisor(MethodInterceptor advice, int order) {
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(advice);
		advisor.setOrder(order);
		return advisor;
	}

	private static MethodInterceptor noOp() {
		return (invocation) -> invocation.proceed();
	}

}
