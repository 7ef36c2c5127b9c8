package io.github.raftboot.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.function.Supplier;

import io.github.raftboot.leader.OnLeader;
import io.github.raftboot.leader.RaftLeadership;
import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.StaticMethodMatcher;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.context.Lifecycle;
import org.springframework.context.Phased;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Advisor behind {@link OnLeader @OnLeader}. Matches every method annotated with
 * {@code @OnLeader} and every public method of a class annotated with {@code @OnLeader}, except
 * the methods of {@link Object} ({@code equals}, {@code hashCode} and {@code toString}
 * included) and the {@link Lifecycle}, {@link SmartLifecycle}, {@link Phased} and
 * {@link Ordered} methods of a class that implements them: the container calls those on the
 * proxy and must get real answers.
 *
 * <p>On a {@link SmartLifecycle} class annotated with {@code @OnLeader} two lifecycle methods
 * are advised all the same: {@code isAutoStartup()} always returns {@code false}, so that the
 * context does not start the bean with the others, and {@code start()} runs only while this
 * replica is the leader; {@link OnLeaderLifecycleController} starts and stops the bean as
 * leadership comes and goes.
 *
 * <p>By default the advisor is ordered ahead of other advisors such as transactions, so that a
 * call on a replica that is not the leader is refused before any other advice runs.
 */
public final class OnLeaderAdvisor extends AbstractPointcutAdvisor {

	/** The default order: ahead of advisors left at the lowest precedence. */
	public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private final Pointcut pointcut;

	private final Advice advice;

	/**
	 * Creates an advisor that asks {@code leadership} whether this replica is the leader. The
	 * supplier is called on the first advised call, not before.
	 * @param leadership supplies this replica's view of leadership
	 */
	public OnLeaderAdvisor(Supplier<RaftLeadership> leadership) {
		this.pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(null, OnLeader.class, true))
			.union(new ComposablePointcut(new AnnotationMatchingPointcut(OnLeader.class, true))
				.intersection(ClassLevelMethodMatcher.INSTANCE));
		this.advice = new OnLeaderInterceptor(leadership);
		setOrder(DEFAULT_ORDER);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
	}

	/**
	 * Whether {@code type} is annotated with {@code @OnLeader}, directly, on a superclass or on
	 * an interface.
	 */
	static boolean isAnnotatedClass(Class<?> type) {
		return AnnotatedElementUtils.hasAnnotation(type, OnLeader.class);
	}

	/**
	 * The election group of a class annotated with {@code @OnLeader}:
	 * {@link RaftLeadership#DEFAULT_GROUP} unless the annotation names another.
	 */
	static String groupOf(Class<?> type) {
		OnLeader onLeader = AnnotatedElementUtils.findMergedAnnotation(type, OnLeader.class);
		return (onLeader != null) ? OnLeaderInterceptor.groupOf(onLeader) : RaftLeadership.DEFAULT_GROUP;
	}

	/**
	 * Whether instances of {@code type} are {@link SmartLifecycle} beans that
	 * {@link OnLeaderLifecycleController} starts and stops with leadership.
	 */
	static boolean isLeaderLifecycle(Class<?> type) {
		return SmartLifecycle.class.isAssignableFrom(type) && isAnnotatedClass(type);
	}

	/**
	 * Whether a class-level {@code @OnLeader} on {@code targetClass} applies to
	 * {@code method}: it is public, not a method of {@link Object} and not a lifecycle or
	 * ordering callback (other than the two lifecycle methods that a leader lifecycle advises).
	 */
	static boolean isGuardedByClass(Method method, Class<?> targetClass) {
		if (!Modifier.isPublic(method.getModifiers()) || isObjectMethod(method)) {
			return false;
		}
		if (declares(Ordered.class, method, targetClass)) {
			return false;
		}
		if (isLifecycleMethod(method, targetClass)) {
			return SmartLifecycle.class.isAssignableFrom(targetClass) && isAdvisedLifecycleMethod(method);
		}
		return true;
	}

	/** Whether {@code method} is {@code isAutoStartup()} or {@code start()}. */
	static boolean isAdvisedLifecycleMethod(Method method) {
		return isAutoStartupMethod(method) || isStartMethod(method);
	}

	static boolean isAutoStartupMethod(Method method) {
		return method.getName().equals("isAutoStartup") && method.getParameterCount() == 0;
	}

	static boolean isStartMethod(Method method) {
		return method.getName().equals("start") && method.getParameterCount() == 0;
	}

	private static boolean isObjectMethod(Method method) {
		return ReflectionUtils.isObjectMethod(method) || ReflectionUtils.isEqualsMethod(method)
				|| ReflectionUtils.isHashCodeMethod(method) || ReflectionUtils.isToStringMethod(method);
	}

	private static boolean isLifecycleMethod(Method method, Class<?> targetClass) {
		return declares(Lifecycle.class, method, targetClass) || declares(SmartLifecycle.class, method, targetClass)
				|| declares(Phased.class, method, targetClass);
	}

	private static boolean declares(Class<?> lifecycleType, Method method, Class<?> targetClass) {
		return lifecycleType.isAssignableFrom(targetClass)
				&& ClassUtils.hasMethod(lifecycleType, method.getName(), method.getParameterTypes());
	}

	/**
	 * Matches the methods a class-level {@code @OnLeader} applies to.
	 */
	private static final class ClassLevelMethodMatcher extends StaticMethodMatcher {

		static final ClassLevelMethodMatcher INSTANCE = new ClassLevelMethodMatcher();

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return isGuardedByClass(method, targetClass);
		}

		@Override
		public String toString() {
			return "OnLeaderAdvisor.ClassLevelMethodMatcher";
		}

	}

}
