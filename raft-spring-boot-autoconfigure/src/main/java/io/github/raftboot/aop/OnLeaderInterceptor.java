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
 * is the active leader of the election group the annotation names (the default group unless it
 * names one). Otherwise the call is skipped ({@code null}, or
 * {@code Optional.empty()} for a method returning {@link Optional}) or, with
 * {@code skip = false}, refused with a {@link NotLeaderException}.
 *
 * <p>An annotation on the method wins over one on the class, group name included.
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
		return switch (guard.kind()) {
			case NONE -> invocation.proceed();
			case AUTO_STARTUP -> false;
			case LIFECYCLE_START -> isLeader(guard.group()) ? invocation.proceed() : skipStart(guard, targetClass);
			case SKIP, REFUSE -> isLeader(guard.group()) ? invocation.proceed() : notLeader(guard, method, targetClass);
		};
	}

	private boolean isLeader(String group) {
		return this.leadership.get().group(group).isLeader();
	}

	private @Nullable Object skipStart(Guard guard, Class<?> targetClass) {
		if (logger.isDebugEnabled()) {
			logger.debug("Not starting " + targetClass.getName() + ": this replica is not the leader"
					+ ofGroup(guard.group()));
		}
		return null;
	}

	private @Nullable Object notLeader(Guard guard, Method method, Class<?> targetClass) {
		Class<?> returnType = method.getReturnType();
		if (guard.kind() == Kind.SKIP) {
			if (logger.isTraceEnabled()) {
				logger.trace("Skipped " + describe(method, targetClass) + ": this replica is not the leader"
						+ ofGroup(guard.group()));
			}
			if (returnType == Optional.class) {
				return Optional.empty();
			}
			if (!returnType.isPrimitive() || returnType == void.class) {
				return null;
			}
			// Rejected at startup; only reached for beans that escaped the validation.
		}
		RaftLeadership leadership = this.leadership.get().group(guard.group());
		String nodeId = leadership.nodeId();
		String leaderId = leadership.leaderId().orElse(null);
		throw new NotLeaderException(nodeId, leaderId, "Replica '" + nodeId + "' is not the leader"
				+ ofGroup(guard.group()) + ", so it refused " + describe(method, targetClass) + "; "
				+ describeLeader(leaderId));
	}

	/** {@code " of election group 'billing'"}, or nothing for the default group. */
	private static String ofGroup(String group) {
		return RaftLeadership.DEFAULT_GROUP.equals(group) ? "" : " of election group '" + group + "'";
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
	 * The election group an {@code @OnLeader} names: {@link RaftLeadership#DEFAULT_GROUP} for an
	 * empty name.
	 */
	static String groupOf(OnLeader onLeader) {
		return onLeader.value().isEmpty() ? RaftLeadership.DEFAULT_GROUP : onLeader.value();
	}

	/**
	 * What to do with a call, and the election group whose leadership it needs.
	 */
	private record Guard(Kind kind, String group) {

		private static final Guard NONE = new Guard(Kind.NONE, RaftLeadership.DEFAULT_GROUP);

		private static final Guard AUTO_STARTUP = new Guard(Kind.AUTO_STARTUP, RaftLeadership.DEFAULT_GROUP);

		static Guard of(Method method, Class<?> targetClass) {
			Class<?> userClass = ClassUtils.getUserClass(targetClass);
			if (OnLeaderAdvisor.isLeaderLifecycle(userClass)) {
				if (OnLeaderAdvisor.isAutoStartupMethod(method)) {
					return AUTO_STARTUP;
				}
				if (OnLeaderAdvisor.isStartMethod(method)) {
					return new Guard(Kind.LIFECYCLE_START, OnLeaderAdvisor.groupOf(userClass));
				}
			}
			OnLeader onLeader = findOnLeader(method, userClass);
			if (onLeader == null) {
				return NONE;
			}
			return new Guard(onLeader.skip() ? Kind.SKIP : Kind.REFUSE, groupOf(onLeader));
		}

	}

	/**
	 * What to do with a call when this replica is not the leader.
	 */
	private enum Kind {

		/** Not guarded: always proceed. */
		NONE,

		/** {@code isAutoStartup()} of a leader lifecycle: always {@code false}. */
		AUTO_STARTUP,

		/** {@code start()} of a leader lifecycle: only while leader, else skipped. */
		LIFECYCLE_START,

		/** Skip the call. */
		SKIP,

		/** Throw {@link NotLeaderException}. */
		REFUSE

	}

}
