package io.github.raftboot.autoconfigure;

import java.nio.file.Path;

import io.github.raftboot.runtime.RaftServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup checks of {@code raft.groups} and {@code raft.preferred-leaders}: a name that
 * cannot work fails startup with an analysis that names the property and the fix.
 */
class RaftGroupSettingsTests {

	@TempDir
	Path dataDir;

	private ApplicationContextRunner threeMembers() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RaftAutoConfiguration.class))
			.withPropertyValues("raft.data-dir=" + this.dataDir, "raft.node-id=n1",
					"raft.peers.n1=http://127.0.0.1:18081", "raft.peers.n2=http://127.0.0.1:18082",
					"raft.peers.n3=http://127.0.0.1:18083");
	}

	@Test
	void noGroupsAndNoPreferredLeadersStartAsBefore() {
		threeMembers().run((context) -> assertThat(context).hasNotFailed().hasSingleBean(RaftServer.class));
	}

	@Test
	void validGroupsAndPreferredLeadersStart() {
		threeMembers()
			.withPropertyValues("raft.groups=billing,report-jobs,a1", "raft.preferred-leaders.default=n1",
					"raft.preferred-leaders.billing=n2", "raft.preferred-leaders.report-jobs=n3")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(RaftServer.class));
	}

	@ParameterizedTest
	@ValueSource(strings = { "Billing", "billing_jobs", "billing.jobs", "bill ing", "é" })
	void aGroupNameOfOtherCharactersThanLowerCaseLettersDigitsAndDashFailsStartup(String name) {
		threeMembers().withPropertyValues("raft.groups[0]=orders", "raft.groups[1]=" + name)
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).isEqualTo("raft.groups[1] is '" + name
						+ "', which is not a valid election group name: it must be 1 to 40 lower-case letters, "
						+ "digits or '-'.");
				assertThat(analysis.getAction()).isEqualTo("Rename the group in raft.groups (on every replica, and "
						+ "in @OnLeader and raft.preferred-leaders), such as 'billing' or 'report-jobs'.");
			});
	}

	@Test
	void aGroupNameOfMoreThanFortyCharactersFailsStartup() {
		String name = "g".repeat(41);
		threeMembers().withPropertyValues("raft.groups[0]=" + name)
			.run((context) -> assertThat(analysis(context).getDescription())
				.startsWith("raft.groups[0] is '" + name + "', which is not a valid election group name"));
	}

	@Test
	void aGroupNameOfFortyCharactersStarts() {
		threeMembers().withPropertyValues("raft.groups[0]=" + "g".repeat(40))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void anEmptyGroupNameFailsStartup() {
		threeMembers().withPropertyValues("raft.groups[0]=billing", "raft.groups[1]=")
			.run((context) -> assertThat(analysis(context).getDescription())
				.startsWith("raft.groups[1] is '', which is not a valid election group name"));
	}

	@Test
	void theDefaultGroupListedInGroupsFailsStartup() {
		threeMembers().withPropertyValues("raft.groups=billing,default").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription())
				.isEqualTo("raft.groups[1] is 'default', the name of the election group every replica has already.");
			assertThat(analysis.getAction()).isEqualTo("Remove 'default' from raft.groups: @OnLeader without a group "
					+ "name and RaftLeadership.isLeader() are about the default group; list only the other groups.");
		});
	}

	@Test
	void aGroupListedTwiceFailsStartup() {
		threeMembers().withPropertyValues("raft.groups=billing,orders,billing").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription())
				.isEqualTo("raft.groups lists 'billing' more than once: [billing, orders, billing].");
			assertThat(analysis.getAction()).isEqualTo("List every election group once in raft.groups.");
		});
	}

	@Test
	void aPreferredLeaderOfAnUnlistedGroupFailsStartup() {
		threeMembers().withPropertyValues("raft.groups=billing", "raft.preferred-leaders.biling=n2")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).isEqualTo("raft.preferred-leaders names a preferred leader for "
						+ "the election group 'biling', which raft.groups does not list (the groups are [default, "
						+ "billing]).");
				assertThat(analysis.getAction()).isEqualTo("Add 'biling' to raft.groups (on every replica) or correct "
						+ "the name in raft.preferred-leaders.biling; use raft.preferred-leaders.default for the "
						+ "default group.");
			});
	}

	@Test
	void aPreferredLeaderThatIsNoMemberFailsStartup() {
		threeMembers().withPropertyValues("raft.groups=billing", "raft.preferred-leaders.billing=n4")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).isEqualTo("raft.preferred-leaders.billing is 'n4', which is no "
						+ "member of this cluster (the members are [n1, n2, n3]).");
				assertThat(analysis.getAction()).isEqualTo("Set raft.preferred-leaders.billing to the id of a member "
						+ "listed in raft.peers, or remove it to let any member lead the group.");
			});
	}

	@Test
	void aPreferredLeaderOfTheDefaultGroupMustBeAMemberToo() {
		threeMembers().withPropertyValues("raft.preferred-leaders.default=N2")
			.run((context) -> assertThat(analysis(context).getDescription())
				.isEqualTo("raft.preferred-leaders.default is 'N2', which is no member of this cluster (the members "
						+ "are [n1, n2, n3])."));
	}

	private static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		assertThat(context.getStartupFailure()).rootCause().isInstanceOf(RaftConfigurationException.class);
		FailureAnalysis analysis = new RaftConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).isNotNull();
		return analysis;
	}

}
