package io.github.raftboot.aop;

import org.springframework.beans.factory.BeanInitializationException;

/**
 * A bean uses {@link io.github.raftboot.leader.OnLeader @OnLeader} where it cannot work. Startup
 * fails with a failure analysis that names the bean, its methods and what to change.
 */
public final class OnLeaderConfigurationException extends BeanInitializationException {

	private final String beanName;

	private final String action;

	/**
	 * Creates an exception.
	 * @param beanName the bean
	 * @param description what is wrong, naming the methods
	 * @param action what to change
	 */
	public OnLeaderConfigurationException(String beanName, String description, String action) {
		super(description);
		this.beanName = beanName;
		this.action = action;
	}

	/** The bean whose methods are wrong. */
	public String getBeanName() {
		return this.beanName;
	}

	/** What to change. */
	public String getAction() {
		return this.action;
	}

}
