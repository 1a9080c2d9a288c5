package io.fatamorgana.ordercache.autoconfigure;

import java.util.Arrays;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.Advisor;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.OrderUtils;
import org.springframework.transaction.interceptor.TransactionInterceptor;

/**
 * Warns at startup when the ordercache advisor would run outside a transaction advisor: then a
 * change made by a {@code REQUIRES_NEW} or {@code NOT_SUPPORTED} method would wait for the caller's
 * transaction instead of its own. Advisors of equal order run in the order their beans were
 * registered, which is what this compares for them.
 */
final class AdvisorOrderCheck implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(AdvisorOrderCheck.class);

	private final ConfigurableListableBeanFactory beanFactory;

	private final String advisorName;

	AdvisorOrderCheck(ConfigurableListableBeanFactory beanFactory, String advisorName) {
		this.beanFactory = beanFactory;
		this.advisorName = advisorName;
	}

	@Override
	public void afterSingletonsInstantiated() {
		String problem = problem();
		if (problem != null) {
			logger.warn(problem);
		}
	}

	/**
	 * Describes why the ordercache advisor runs outside a transaction advisor.
	 * @return the warning, or {@code null} when it runs inside every transaction advisor
	 */
	String problem() {
		if (!this.beanFactory.containsBean(this.advisorName)) {
			return null;
		}
		List<String> names = Arrays.asList(this.beanFactory.getBeanNamesForType(Advisor.class, false, false));
		Advisor ours = this.beanFactory.getBean(this.advisorName, Advisor.class);
		int ourOrder = orderOf(ours);
		for (String name : names) {
			Advisor advisor = this.beanFactory.getBean(name, Advisor.class);
			if (!(advisor.getAdvice() instanceof TransactionInterceptor)) {
				continue;
			}
			int order = orderOf(advisor);
			boolean outside = (ourOrder < order)
					|| (ourOrder == order && names.indexOf(this.advisorName) < names.indexOf(name));
			if (outside) {
				return "The ordercache advisor (order " + ourOrder + ") runs outside the transaction advisor '" + name
						+ "' (order " + order + "): changes made by REQUIRES_NEW or NOT_SUPPORTED methods would wait"
						+ " for the caller's transaction. " + fix(ourOrder, order);
			}
		}
		return null;
	}

	private static String fix(int ourOrder, int transactionOrder) {
		String raiseTransactionAdvisor = "Give the transaction advisor a higher precedence (a lower order, for example"
				+ " @EnableTransactionManagement(order = 0))";
		if (transactionOrder != Ordered.LOWEST_PRECEDENCE) {
			return raiseTransactionAdvisor + " or set ordercache.advisor-order above " + transactionOrder + ".";
		}
		if (ourOrder != Ordered.LOWEST_PRECEDENCE) {
			// Registered after Spring Boot's transaction advisor, the default order runs inside it.
			return raiseTransactionAdvisor + " or remove the ordercache.advisor-order setting (its default, the"
					+ " lowest precedence, runs inside Spring Boot's transaction advisor).";
		}
		// Both have the lowest precedence and the transaction advisor was registered later: no
		// ordercache.advisor-order can put the cache inside it.
		return raiseTransactionAdvisor + ".";
	}

	private static int orderOf(Advisor advisor) {
		if (advisor instanceof Ordered ordered) {
			return ordered.getOrder();
		}
		return OrderUtils.getOrder(advisor.getClass(), Ordered.LOWEST_PRECEDENCE);
	}

}
