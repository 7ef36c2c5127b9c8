package io.github.raftboot.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.github.raftboot.leader.OnLeader;
import io.github.raftboot.leader.RaftLeadership;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.support.MergedBeanDefinitionPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Fails the creation of a bean whose {@link OnLeader @OnLeader} cannot work, with an
 * {@link OnLeaderConfigurationException} that a failure analysis explains at startup:
 * <ul>
 * <li>a method {@code @OnLeader} would have to skip but that returns a primitive: there is no
 * value such a method could return on a replica that is not the leader. It must use
 * {@code @OnLeader(skip = false)} or return a wrapper type or {@link java.util.Optional}
 * instead;</li>
 * <li>a method annotated with {@code @OnLeader} that is {@code private}, {@code static} or
 * {@code final}, or a {@code final} public method of a class annotated with {@code @OnLeader}:
 * Spring's proxy cannot intercept it, so it would run on every replica, as if it were not
 * annotated (a {@code private} {@code @Scheduled} method is the usual case);</li>
 * <li>an {@code @OnLeader} that names an election group {@code raft.groups} does not list: no
 * replica would ever lead it, so the method would never run (a typo is the usual case).</li>
 * </ul>
 */
public final class OnLeaderMethodValidator implements MergedBeanDefinitionPostProcessor {

	private final Set<Class<?>> validated = ConcurrentHashMap.newKeySet();

	/** The election groups an {@code @OnLeader} may name, the default group first. */
	private final List<String> groups;

	/**
	 * Creates a validator for a replica of the default election group only.
	 */
	public OnLeaderMethodValidator() {
		this(List.of());
	}

	/**
	 * Creates a validator.
	 * @param groups the election groups besides the default one ({@code raft.groups})
	 */
	public OnLeaderMethodValidator(Collection<String> groups) {
		List<String> known = new ArrayList<>();
		known.add(RaftLeadership.DEFAULT_GROUP);
		known.addAll(groups);
		this.groups = List.copyOf(known);
	}

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
		List<String> unguardable = new ArrayList<>();
		List<String> unskippable = new ArrayList<>();
		Map<String, List<String>> unknownGroups = new TreeMap<>();
		OnLeader onClass = AnnotatedElementUtils.findMergedAnnotation(userClass, OnLeader.class);
		if (onClass != null && !isKnown(onClass)) {
			unknownGroups.computeIfAbsent(onClass.value(), (name) -> new ArrayList<>())
				.add(ClassUtils.getUserClass(userClass).getName());
		}
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(userClass,
				(candidate) -> !candidate.isBridge() && !candidate.isSynthetic())) {
			String modifier = unguardable(method, userClass);
			if (modifier != null) {
				unguardable.add(OnLeaderInterceptor.describe(method, userClass) + " (" + modifier + ")");
			}
			else if (cannotBeSkipped(method, userClass)) {
				unskippable.add(OnLeaderInterceptor.describe(method, userClass) + " (returns " + method.getReturnType() + ")");
			}
			OnLeader onMethod = AnnotatedElementUtils.findMergedAnnotation(method, OnLeader.class);
			if (onMethod != null && !isKnown(onMethod)) {
				unknownGroups.computeIfAbsent(onMethod.value(), (name) -> new ArrayList<>())
					.add(OnLeaderInterceptor.describe(method, userClass));
			}
		}
		if (unguardable.isEmpty() && unskippable.isEmpty() && unknownGroups.isEmpty()) {
			return;
		}
		List<String> problems = new ArrayList<>();
		List<String> fixes = new ArrayList<>();
		if (!unguardable.isEmpty()) {
			boolean one = unguardable.size() == 1;
			problems.add("@OnLeader cannot guard a method that Spring's proxy cannot intercept, but bean '" + beanName
					+ "' has " + String.join(", ", unguardable) + ": every replica would run "
					+ (one ? "it as if it were" : "them as if they were") + " not annotated.");
			fixes.add("Make " + (one ? "that method" : "those methods") + " public, not static and not final, and call "
					+ (one ? "it" : "them") + " through the bean (a call from the same object does not pass the proxy "
					+ "either). A private @Scheduled method is the usual case.");
		}
		if (!unskippable.isEmpty()) {
			problems.add("@OnLeader cannot skip a method that returns a primitive, but bean '" + beanName + "' has "
					+ String.join(", ", unskippable) + ": a replica that does not lead has no value to return.");
			fixes.add("Use @OnLeader(skip = false) to throw NotLeaderException instead, or return a wrapper type "
					+ "(Integer, Boolean, ...), which a skipped call returns as null, or Optional, which it returns "
					+ "empty.");
		}
		if (!unknownGroups.isEmpty()) {
			List<String> uses = new ArrayList<>();
			unknownGroups.forEach((group, where) -> uses.add("'" + group + "' (on " + String.join(", ", where) + ")"));
			boolean one = unknownGroups.size() == 1;
			problems.add("@OnLeader names " + (one ? "an election group" : "election groups")
					+ " that raft.groups does not list, on bean '" + beanName + "': " + String.join(", ", uses)
					+ ". The election groups are " + this.groups + ".");
			fixes.add("Add " + String.join(", ", unknownGroups.keySet().stream().map((group) -> "'" + group + "'").toList())
					+ " to raft.groups (on every replica) or correct the name in @OnLeader; @OnLeader without a "
					+ "name means the default group.");
		}
		throw new OnLeaderConfigurationException(beanName, String.join(" ", problems), String.join(" ", fixes));
	}

	private boolean isKnown(OnLeader onLeader) {
		return onLeader.value().isEmpty() || this.groups.contains(onLeader.value());
	}

	/**
	 * Why the proxy cannot guard {@code method} although {@code @OnLeader} asks for it: the
	 * modifier in the way, or {@code null} if nothing is in the way.
	 */
	private static @Nullable String unguardable(Method method, Class<?> userClass) {
		int modifiers = method.getModifiers();
		if (AnnotatedElementUtils.hasAnnotation(method, OnLeader.class)) {
			if (Modifier.isPrivate(modifiers)) {
				return "private";
			}
			if (Modifier.isStatic(modifiers)) {
				return "static";
			}
			if (Modifier.isFinal(modifiers)) {
				return "final";
			}
			return null;
		}
		boolean guardedByClass = !Modifier.isStatic(modifiers) && OnLeaderAdvisor.isAnnotatedClass(userClass)
				&& OnLeaderAdvisor.isAnnotatedClass(method.getDeclaringClass())
				&& OnLeaderAdvisor.isGuardedByClass(method, userClass);
		return (guardedByClass && Modifier.isFinal(modifiers)) ? "final" : null;
	}

	private static boolean cannotBeSkipped(Method method, Class<?> userClass) {
		int modifiers = method.getModifiers();
		if (Modifier.isPrivate(modifiers) || Modifier.isStatic(modifiers)) {
			return false;
		}
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
