package io.github.raftboot.test;

import java.util.List;

import io.github.raftboot.autoconfigure.OnLeaderAutoConfiguration;
import io.github.raftboot.autoconfigure.RaftConfigurationException;
import io.github.raftboot.leader.RaftLeadership;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the {@link TestRaftLeadership} of
 * {@link AutoConfigureTestRaftLeadership @AutoConfigureTestRaftLeadership}, imported by that
 * annotation only: ahead of the configurations that need a {@link RaftLeadership} (those of the
 * Actuator named, so that they are not loaded without it), while the annotation excludes those of
 * the real replica.
 */
@AutoConfiguration(before = OnLeaderAutoConfiguration.class,
		beforeName = { "io.github.raftboot.autoconfigure.RaftEndpointAutoConfiguration",
				"io.github.raftboot.autoconfigure.RaftHealthContributorAutoConfiguration" })
public final class TestRaftLeadershipAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(RaftLeadership.class)
	TestRaftLeadership testRaftLeadership(Environment environment, ApplicationEventPublisher publisher) {
		if (!environment.getProperty("raft.enabled", Boolean.class, true)) {
			throw new RaftConfigurationException(
					"raft.enabled is false in a test with @AutoConfigureTestRaftLeadership, which would turn "
							+ "@OnLeader off while the test flips leadership.",
					"Remove raft.enabled=false from this test's properties: @AutoConfigureTestRaftLeadership replaces "
							+ "the Raft replica itself, so the test needs neither a web server nor raft.peers.");
		}
		TestRaftLeadership leadership = new TestRaftLeadership(environment.getProperty("raft.node-id", "raft"),
				publisher);
		leadership.withGroups(Binder.get(environment)
			.bind("raft.groups", Bindable.listOf(String.class))
			.orElse(List.of())
			.toArray(String[]::new));
		leadership.resetAfterEachTest();
		return leadership;
	}

}
