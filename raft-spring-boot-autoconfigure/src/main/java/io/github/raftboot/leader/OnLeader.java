package io.github.raftboot.leader;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method only while this replica is the active Raft leader.
 *
 * <p>On a method: when this replica is not the active leader the call is skipped (a
 * {@code void} method does nothing, one returning {@link java.util.Optional} returns
 * {@code Optional.empty()}, any other returns {@code null}), or, with {@code skip = false}, it
 * throws {@link NotLeaderException}. A method returning a primitive cannot be skipped, so
 * annotating one without {@code skip = false} fails at startup. The guard is a Spring proxy, so
 * it works on calls through the bean only, and annotating a {@code private}, {@code static} or
 * {@code final} method, which no proxy can intercept, fails at startup too. Works with
 * {@code @Scheduled}.
 *
 * <p>On a class: guards every public method of the bean in the same way. On a class that
 * implements {@link org.springframework.context.SmartLifecycle}: the bean is not started with
 * the context but when this replica acquires leadership, and stopped when it loses it.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnLeader {

	/**
	 * The election group whose leadership is meant: empty for the default group
	 * ({@link RaftLeadership#DEFAULT_GROUP}), or a name of {@code raft.groups}. A name that
	 * {@code raft.groups} does not list fails at startup.
	 */
	String value() default "";

	/**
	 * Whether a call on a replica that is not the leader is skipped ({@code true}) or throws
	 * {@link NotLeaderException} ({@code false}).
	 */
	boolean skip() default true;

}
