package io.github.raftboot.aop;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.leader.OnLeader;
import io.github.raftboot.leader.RaftLeadership;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.SmartApplicationListener;

/**
 * Starts the {@link SmartLifecycle} beans whose class is annotated with
 * {@link OnLeader @OnLeader} while this replica is the leader, and stops them when it is not:
 * the leader of the election group the annotation names ({@code @OnLeader("billing")}), the
 * default group unless it names one. Only the events of that group start and stop them.
 *
 * <p>{@link OnLeaderAdvisor} makes such beans report {@code isAutoStartup() == false}, so the
 * context does not start them. This controller starts them (in phase order) when it starts
 * itself, after every other lifecycle bean, if this replica already leads their group, and on
 * every {@link LeadershipAcquiredEvent} of their group; it stops them (in reverse phase order) on
 * every {@link LeadershipRevokedEvent} of their group and, all of them, when the context stops or
 * closes. Leadership events are handled on the thread that publishes them, never on the election
 * thread. A bean that fails to start or stop is logged and does not affect the others.
 */
public final class OnLeaderLifecycleController implements SmartApplicationListener, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(OnLeaderLifecycleController.class);

	private final ListableBeanFactory beanFactory;

	private final ObjectProvider<RaftLeadership> leadership;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile boolean running;

	private volatile List<Member> members = List.of();

	public OnLeaderLifecycleController(ListableBeanFactory beanFactory, ObjectProvider<RaftLeadership> leadership) {
		this.beanFactory = beanFactory;
		this.leadership = leadership;
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return LeadershipAcquiredEvent.class.isAssignableFrom(eventType)
				|| LeadershipRevokedEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		this.lock.lock();
		try {
			if (event instanceof LeadershipAcquiredEvent acquired && this.running
					&& groups(this.members).contains(acquired.getGroup()) && isLeader(acquired.getGroup())) {
				startMembers(acquired.getGroup());
			}
			else if (event instanceof LeadershipRevokedEvent revoked) {
				stopMembers(revoked.getGroup());
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void start() {
		this.lock.lock();
		try {
			this.members = findMembers();
			this.running = true;
			for (String group : groups(this.members)) {
				if (isLeader(group)) {
					startMembers(group);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void stop() {
		this.lock.lock();
		try {
			this.running = false;
			stopMembers(null);
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Runs in the last phase, so the beans it controls start after, and stop before, every
	 * bean the context starts itself.
	 */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

	/**
	 * The names of the beans this controller starts and stops, in phase order.
	 * @return the bean names
	 */
	public List<String> getBeanNames() {
		return this.members.stream().map(Member::name).toList();
	}

	/**
	 * The election groups of the members, each once.
	 * @return the group names
	 */
	private static Set<String> groups(List<Member> members) {
		Set<String> groups = new LinkedHashSet<>();
		members.forEach((member) -> groups.add(member.group()));
		return groups;
	}

	private boolean isLeader(String group) {
		RaftLeadership leadership = this.leadership.getIfAvailable();
		return leadership != null && leadership.group(group).isLeader();
	}

	private List<Member> findMembers() {
		List<Member> members = new ArrayList<>();
		for (String name : this.beanFactory.getBeanNamesForType(SmartLifecycle.class, false, false)) {
			SmartLifecycle bean = this.beanFactory.getBean(name, SmartLifecycle.class);
			if (bean != this && OnLeaderAdvisor.isAnnotatedClass(AopProxyUtils.ultimateTargetClass(bean))) {
				if (!AopUtils.isAopProxy(bean)) {
					logger.warn("Bean '" + name + "' is annotated with @OnLeader but was not proxied, so the context "
							+ "may also start it on a replica that is not the leader");
				}
				String group = OnLeaderAdvisor.groupOf(AopProxyUtils.ultimateTargetClass(bean));
				members.add(new Member(name, bean, group));
			}
		}
		members.sort(Comparator.comparingInt((member) -> member.bean().getPhase()));
		return List.copyOf(members);
	}

	private void startMembers(String group) {
		for (Member member : this.members) {
			if (!member.group().equals(group)) {
				continue;
			}
			try {
				if (!member.bean().isRunning()) {
					logger.debug("Starting '" + member.name() + "': this replica is the leader"
							+ (RaftLeadership.DEFAULT_GROUP.equals(group) ? "" : " of election group '" + group
									+ "'"));
					member.bean().start();
				}
			}
			catch (RuntimeException ex) {
				logger.error("Failed to start '" + member.name() + "' on acquiring leadership", ex);
			}
		}
	}

	/** Stops the members of that group, or of every group for {@code null}. */
	private void stopMembers(@Nullable String group) {
		List<Member> members = this.members;
		for (int i = members.size() - 1; i >= 0; i--) {
			Member member = members.get(i);
			if (group != null && !member.group().equals(group)) {
				continue;
			}
			try {
				if (member.bean().isRunning()) {
					logger.debug("Stopping '" + member.name() + "'");
					member.bean().stop();
				}
			}
			catch (RuntimeException ex) {
				logger.error("Failed to stop '" + member.name() + "'", ex);
			}
		}
	}

	private record Member(String name, SmartLifecycle bean, String group) {
	}

}
