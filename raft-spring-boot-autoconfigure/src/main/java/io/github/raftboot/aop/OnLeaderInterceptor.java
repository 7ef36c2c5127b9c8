package io.github.raftboot.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.raftboot.leader.NotLeaderException;
import io.github.raftboot.leader.OnLeader;
import io.github.raftboot.leader.RaftLeadership;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Lets a call through to a method guarded by {@link OnLeader @OnLeader} only while this replica
 * is the active leader. Otherwise the call is skipped ({@code null}, or
 * {@code Optional.empty()} for a method returning {@link Optional}) or, with
 * {@code skip = false}, refused with a {@link NotLeaderException}.
 *
 * <p>An annotation on the method wins over one on the class.
 */
final class OnLeaderInterceptor implements MethodInterceptor {

	private static final Log logger = LogFactory.getLog(OnLeaderInterceptor.class);

	private final Supplier<RaftLeadership> leadership;

	private final Map<MethodClassKey, Guard> guards = new ConcurrentHashMap<>();

	OnLeaderInterceptor(Supplier<RaftLeadership> leadership) {
		this.leadership = SingletonSupplier.of(leadership);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : method.getDeclaringClass();
		Guard guard = this.guards.computeIfAbsent(new MethodClassKey(method, targetClass),
				(key) -> Guard.of(method, targetClass));
		return switch (guard) {
			case NONE -> invocation.proceed();
			case AUTO_STARTUP -> false;
			case LIFECYCLE_START -> isLeader() ? invocation.proceed() : skipStart(targetClass);
			case SKIP, REFUSE -> isLeader() ? invocation.proceed() : notLeader(guard, method, targetClass);
		};
	}

	private boolean isLeader() {
		return this.leadership.get().isLeader();
	}

	private @Nullable Object skipStart(Class<?> targetClass) {
		if (logger.isDebugEnabled()) {
			logger.debug("Not starting " + targetClass.getName() + ": this replica is not the leader");
		}
		return null;
	}

	private @Nullable Object notLeader(Guard guard, Method method, Class<?> targetClass) {
		Class<?> returnType = method.getReturnType();
		if (guard == Guard.SKIP) {
			if (logger.isTraceEnabled()) {
				logger.trace("Skipped " + describe(method, targetClass) + ": this replica is not the leader");
			}
			if (returnType == Optional.class) {
				return Optional.empty();
			}
			if (!returnType.isPrimitive() || returnType == void.class) {
				return null;
			}
			// Rejected at startup; only reached for beans that escaped the validation.
		}
		RaftLeadership leadership = this.leadership.get();
		String nodeId = leadership.nodeId();
		String leaderId = leadership.leaderId().orElse(null);
		throw new NotLeaderException(nodeId, leaderId, "Replica '" + nodeId + "' is not the leader, so it refused "
				+ describe(method, targetClass) + "; " + describeLeader(leaderId));
	}

	private static String describeLeader(@Nullable String leaderId) {
		return (leaderId != null) ? "the leader is '" + leaderId + "'" : "no leader is known right now";
	}

	static String describe(Method method, Class<?> targetClass) {
		return ClassUtils.getUserClass(targetClass).getName() + "." + method.getName() + "()";
	}

	/**
	 * Finds the {@code @OnLeader} that guards {@code method} when called on an instance of
	 * {@code targetClass}: the one on the method (or the method it overrides) or else the one
	 * on the class, if that applies to the method.
	 */
	static @Nullable OnLeader findOnLeader(Method method, Class<?> targetClass) {
		Method specificMethod = BridgeMethodResolver
			.findBridgedMethod(AopUtils.getMostSpecificMethod(method, ClassUtils.getUserClass(targetClass)));
		OnLeader onLeader = AnnotatedElementUtils.findMergedAnnotation(specificMethod, OnLeader.class);
		if (onLeader == null && specificMethod != method) {
			onLeader = AnnotatedElementUtils.findMergedAnnotation(method, OnLeader.class);
		}
		if (onLeader == null && OnLeaderAdvisor.isGuardedByClass(specificMethod, targetClass)) {
			onLeader = AnnotatedElementUtils.findMergedAnnotation(targetClass, OnLeader.class);
		}
		return onLeader;
	}

	/**
	 * What to do with a call when this replica is not the leader.
	 */
	private enum Guard {

		/** Not guarded: always proceed. */
		NONE,

		/** {@code isAutoStartup()} of a leader lifecycle: always {@code false}. */
		AUTO_STARTUP,

		/** {@code start()} of a leader lifecycle: only while leader, else skipped. */
		LIFECYCLE_START,

		/** Skip the call. */
		SKIP,

		/** Throw {@link NotLeaderException}. */
		REFUSE;

		static Guard of(Method method, Class<?> targetClass) {
			Class<?> userClass = ClassUtils.getUserClass(targetClass);
			if (OnLeaderAdvisor.isLeaderLifecycle(userClass)) {
				if (OnLeaderAdvisor.isAutoStartupMethod(method)) {
					return AUTO_STARTUP;
				}
				if (OnLeaderAdvisor.isStartMethod(method)) {
					return LIFECYCLE_START;
				}
			}
			OnLeader onLeader = findOnLeader(method, userClass);
			if (onLeader == null) {
				return NONE;
			}
			return onLeader.skip() ? SKIP : REFUSE;
		}

	}

}
