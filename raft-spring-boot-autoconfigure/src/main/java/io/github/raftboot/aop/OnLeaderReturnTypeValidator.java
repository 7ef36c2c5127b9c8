package io.github.raftboot.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.raftboot.leader.OnLeader;

import org.springframework.beans.factory.support.MergedBeanDefinitionPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Fails the creation of a bean with a method that {@link OnLeader @OnLeader} would have to
 * skip but that returns a primitive: there is no value such a method could return on a
 * replica that is not the leader. The method must use {@code @OnLeader(skip = false)} or return
 * a wrapper type instead.
 */
public final class OnLeaderReturnTypeValidator implements MergedBeanDefinitionPostProcessor {

	private final Set<Class<?>> validated = ConcurrentHashMap.newKeySet();

	@Override
	public void postProcessMergedBeanDefinition(RootBeanDefinition beanDefinition, Class<?> beanType, String beanName) {
		Class<?> userClass = ClassUtils.getUserClass(beanType);
		if (this.validated.contains(userClass)) {
			return;
		}
		validate(userClass, beanName);
		this.validated.add(userClass);
	}

	private void validate(Class<?> userClass, String beanName) {
		if (!AnnotationUtils.isCandidateClass(userClass, OnLeader.class)) {
			return;
		}
		List<String> invalid = new ArrayList<>();
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(userClass, OnLeaderReturnTypeValidator::isAdvisable)) {
			if (cannotBeSkipped(method, userClass)) {
				invalid.add(OnLeaderInterceptor.describe(method, userClass) + " returns " + method.getReturnType());
			}
		}
		if (!invalid.isEmpty()) {
			throw new IllegalStateException("@OnLeader cannot skip a method that returns a primitive, but bean '"
					+ beanName + "' has " + String.join(", ", invalid)
					+ ". Use @OnLeader(skip = false) to throw NotLeaderException instead, or return a wrapper type "
					+ "(Integer, Boolean, ...) or Optional.");
		}
	}

	private static boolean isAdvisable(Method method) {
		int modifiers = method.getModifiers();
		return !Modifier.isPrivate(modifiers) && !Modifier.isStatic(modifiers) && !method.isBridge()
				&& !method.isSynthetic();
	}

	private static boolean cannotBeSkipped(Method method, Class<?> userClass) {
		Class<?> returnType = method.getReturnType();
		if (!returnType.isPrimitive() || returnType == void.class) {
			return false;
		}
		if (OnLeaderAdvisor.isLeaderLifecycle(userClass) && OnLeaderAdvisor.isAdvisedLifecycleMethod(method)) {
			return false;
		}
		OnLeader onLeader = OnLeaderInterceptor.findOnLeader(method, userClass);
		return onLeader != null && onLeader.skip();
	}

}
