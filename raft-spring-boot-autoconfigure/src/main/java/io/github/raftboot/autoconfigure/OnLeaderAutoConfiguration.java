package io.github.raftboot.autoconfigure;

import java.util.List;

import io.github.raftboot.aop.OnLeaderAdvisor;
import io.github.raftboot.aop.OnLeaderLifecycleController;
import io.github.raftboot.aop.OnLeaderMethodValidator;
import io.github.raftboot.leader.RaftLeadership;

import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Auto-configuration of {@link io.github.raftboot.leader.OnLeader @OnLeader}: the advisor that
 * guards annotated methods, the check that fails startup (with a failure analysis) for annotated
 * methods that cannot be guarded or skipped or that name an election group {@code raft.groups}
 * does not list, and the controller that starts and stops annotated
 * {@link org.springframework.context.SmartLifecycle} beans with leadership.
 *
 * <p>Registers an auto-proxy creator if there is none yet, so {@code @OnLeader} works without
 * AspectJ and without {@code @EnableAspectJAutoProxy}. Like Boot's own AOP auto-configuration it
 * makes the proxies class-based unless {@code spring.aop.proxy-target-class=false}.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnClass(Advisor.class)
@ConditionalOnBooleanProperty(name = "raft.enabled", matchIfMissing = true)
@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
@Import(OnLeaderAutoConfiguration.AutoProxyCreatorRegistrar.class)
public final class OnLeaderAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static OnLeaderAdvisor onLeaderAdvisor(ObjectProvider<RaftLeadership> leadership) {
		return new OnLeaderAdvisor(leadership::getObject);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static OnLeaderMethodValidator onLeaderMethodValidator(Environment environment) {
		return new OnLeaderMethodValidator(Binder.get(environment)
			.bind("raft.groups", Bindable.listOf(String.class))
			.orElse(List.of()));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static OnLeaderLifecycleController onLeaderLifecycleController(ListableBeanFactory beanFactory,
			ObjectProvider<RaftLeadership> leadership) {
		return new OnLeaderLifecycleController(beanFactory, leadership);
	}

	/**
	 * Registers the infrastructure auto-proxy creator unless a (more capable) one is registered
	 * already.
	 */
	static final class AutoProxyCreatorRegistrar implements ImportBeanDefinitionRegistrar {

		private final Environment environment;

		AutoProxyCreatorRegistrar(Environment environment) {
			this.environment = environment;
		}

		@Override
		public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata,
				BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
			if (this.environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true)) {
				AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
			}
		}

	}

}
