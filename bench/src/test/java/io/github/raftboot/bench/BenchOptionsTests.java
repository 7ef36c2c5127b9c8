package io.github.raftboot.bench;

import java.util.EnumSet;
import java.util.List;

import io.github.raftboot.bench.BenchOptions.Part;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link BenchOptions}: the parts of the benchmark a run measures.
 */
class BenchOptionsTests {

	@Test
	void theDefaultRunMeasuresEveryPartMembershipChangesIncluded() {
		BenchOptions options = BenchOptions.parse();
		assertThat(options.parts).isEqualTo(EnumSet.allOf(Part.class));
		assertThat(options.failoverSizes).containsExactly(3, 5);
		assertThat(options.idleSizes).containsExactly(3, 5, 7);
		assertThat(options.membershipChanges).isEqualTo(10);
		assertThat(options.membershipSize).isEqualTo(3);
		assertThat(options.describe()).contains("member-changes=10@3").doesNotContain("only=");
	}

	@Test
	void onlyMembershipLeavesOutTheFailoversAndTheIdleWindows() {
		BenchOptions options = BenchOptions.parse("--only=membership", "--long", "--member-changes=4");
		assertThat(options.failoverSizes).isEmpty();
		assertThat(options.idleSizes).isEmpty();
		assertThat(options.longRun).isFalse();
		assertThat(options.membershipChanges).isEqualTo(4);
		assertThat(options.describe()).contains("only=[membership]");
	}

	@Test
	void onlyFailoverAndIdleLeaveOutTheMembershipChanges() {
		BenchOptions options = BenchOptions.parse("--member-changes=3", "--only=failover,idle", "--sizes=5");
		assertThat(options.failoverSizes).isEqualTo(List.of(5));
		assertThat(options.idleSizes).containsExactly(3, 5, 7);
		assertThat(options.membershipChanges).isZero();
	}

	@Test
	void anUnknownPartIsRejectedNamingTheKnownOnes() {
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse("--only=members"))
			.withMessage("--only takes failover, idle, membership, restarts, rolling or groups (comma-separated), not 'members'");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse("--only="));
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse("--member-changes=-1"))
			.withMessage("--member-changes must not be negative");
	}

	@Test
	void theSmokeRunTriesEveryPartOnceOnThreeReplicas() {
		BenchOptions options = BenchOptions.parse("--smoke");
		assertThat(options.membershipChanges).isEqualTo(1);
		assertThat(options.kills + options.terms).isEqualTo(2);
		assertThat(options.followerRestarts(3)).isEqualTo(1);
		assertThat(options.rollingRestarts(Profile.QUIET)).isZero();
		assertThat(options.rollingRestarts(Profile.BUSY)).isEqualTo(1);
		assertThat(options.sizes(Profile.QUIET)).containsExactly(3);
		assertThat(options.sizes(Profile.BUSY)).containsExactly(3);
	}

	@Test
	void theDefaultRunMeasuresTheQuietProfileThenTheBusyOne() {
		BenchOptions options = BenchOptions.parse();
		assertThat(options.profiles).containsExactly(Profile.QUIET, Profile.BUSY);
		assertThat(options.sizes(Profile.QUIET)).containsExactly(3, 5, 7);
		assertThat(options.sizes(Profile.BUSY)).containsExactly(3, 5);
		assertThat(options.describe()).contains("profile=[quiet, busy]", "follower-restarts=3:10,5:30");
	}

	@Test
	void theQuietProfileIsTheStageOfTheHistory() {
		BenchOptions.Settings quiet = BenchOptions.parse().settings(Profile.QUIET);
		assertThat(quiet).isEqualTo(new BenchOptions.Settings(Profile.QUIET, -5, 19, 2, 30, 4, true, 0));
	}

	@Test
	void theBusyProfileRunsOneCoreOfLoadWithReplicasAtNiceZeroThatHaveNeverLed() {
		BenchOptions.Settings busy = BenchOptions.parse().settings(Profile.BUSY);
		assertThat(busy).isEqualTo(new BenchOptions.Settings(Profile.BUSY, 0, 0, 0, 10, 4, false, 1));
	}

	@Test
	void followerRestartsArePerSizeAndASizeNotListedTakesTheNextSmaller() {
		BenchOptions options = BenchOptions.parse();
		assertThat(options.followerRestarts(3)).isEqualTo(10);
		assertThat(options.followerRestarts(4)).isEqualTo(10);
		assertThat(options.followerRestarts(5)).isEqualTo(30);
		assertThat(options.followerRestarts(7)).isEqualTo(30);
		assertThat(options.followerRestarts(1)).isZero();
		BenchOptions every = BenchOptions.parse("--follower-restarts=4");
		assertThat(every.followerRestarts(3)).isEqualTo(4);
		assertThat(every.followerRestarts(5)).isEqualTo(4);
		assertThat(every.describe()).contains("follower-restarts=4");
	}

	@Test
	void oneProfileAloneLeavesTheOtherOut() {
		BenchOptions quiet = BenchOptions.parse("--profile=quiet");
		assertThat(quiet.profiles).containsExactly(Profile.QUIET);
		assertThat(quiet.sizes(Profile.BUSY)).isEmpty();
		BenchOptions busy = BenchOptions.parse("--profile=busy", "--sizes=5", "--long");
		assertThat(busy.sizes(Profile.QUIET)).isEmpty();
		assertThat(busy.sizes(Profile.BUSY)).containsExactly(5);
	}

	@Test
	void onlyRollingLeavesTheBusyProfileNothingButItsRollingRestarts() {
		BenchOptions options = BenchOptions.parse("--only=rolling");
		assertThat(options.followerRestarts(5)).isZero();
		assertThat(options.settings(Profile.BUSY).kills()).isZero();
		assertThat(options.settings(Profile.BUSY).terms()).isZero();
		assertThat(options.rollingRestarts(Profile.QUIET)).isEqualTo(1);
		assertThat(options.rollingRestarts(Profile.BUSY)).isEqualTo(1);
		assertThat(options.sizes(Profile.BUSY)).containsExactly(3, 5);
		assertThat(options.sizes(Profile.QUIET)).containsExactly(3, 5);
		assertThat(BenchOptions.parse("--only=membership").sizes(Profile.BUSY)).isEmpty();
	}

	@Test
	void rollingRestartsArePerProfile() {
		BenchOptions options = BenchOptions.parse("--rolling-restarts=quiet:0,busy:3");
		assertThat(options.rollingRestarts(Profile.QUIET)).isZero();
		assertThat(options.rollingRestarts(Profile.BUSY)).isEqualTo(3);
		assertThat(options.describe()).contains("rolling-restarts=quiet:0,busy:3");
		assertThat(BenchOptions.parse("--rolling-restarts=2").rollingRestarts(Profile.QUIET)).isEqualTo(2);
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse("--rolling-restarts=both:2"))
			.withMessage("--rolling-restarts takes a count, or profile:count pairs such as quiet:1,busy:2, not 'both:2'");
	}

	@Test
	void badProfileAndRestartCountsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse("--profile=loaded"))
			.withMessage("--profile takes quiet, busy or both, not 'loaded'");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse("--follower-restarts=5:x"))
			.withMessage("--follower-restarts takes a count, or size:count pairs such as 3:10,5:30, not '5:x'");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse("--follower-restarts=5:-1"))
			.withMessage("--follower-restarts must not be negative");
	}

	@Test
	void theDefaultRunMeasuresOneTenAndFiftyGroupsOnFiveReplicasAndKillsThreeReplicasOfTenGroups() {
		BenchOptions options = BenchOptions.parse();
		assertThat(options.groupCounts).containsExactly(1, 10, 50);
		assertThat(options.groupsSize).isEqualTo(5);
		assertThat(options.groupKills).isEqualTo(3);
		assertThat(options.groupsFailoverGroups).isEqualTo(10);
		assertThat(options.measuresGroups()).isTrue();
		assertThat(options.groupsAge).hasSeconds(120);
		assertThat(options.describe()).contains("groups=[1, 10, 50]@5", "groups-kills=3@10", "groups-balance-delay=1s",
				"groups-age=2m");
		assertThat(RaftBench.groupNames(3)).containsExactly("default", "g1", "g2");
		assertThat(RaftBench.groupNames(1)).containsExactly("default");
	}

	@Test
	void onlyGroupsRunsTheGroupsPartAloneWithItsOwnCounts() {
		BenchOptions options = BenchOptions.parse("--only=groups", "--groups=1,50", "--groups-size=3", "--groups-kills=0",
				"--groups-balance-delay=500ms", "--groups-age=5m");
		assertThat(options.measuresGroups()).isTrue();
		assertThat(options.groupsAge).hasMinutes(5);
		assertThat(options.groupCounts).containsExactly(1, 50);
		assertThat(options.groupsSize).isEqualTo(3);
		assertThat(options.groupsBalanceDelay).hasMillis(500);
		assertThat(options.sizes(Profile.QUIET)).isEmpty();
		assertThat(options.sizes(Profile.BUSY)).isEmpty();
		assertThat(options.describe()).contains("only=[groups]", "groups-kills=0@10");
	}

	@Test
	void otherPartsOrTheBusyProfileAloneLeaveTheGroupsOut() {
		assertThat(BenchOptions.parse("--only=failover,idle").measuresGroups()).isFalse();
		assertThat(BenchOptions.parse("--profile=busy").measuresGroups()).isFalse();
		assertThat(BenchOptions.parse("--only=membership").describe()).doesNotContain("groups=");
	}

	@Test
	void theSmokeRunMeasuresGroupsOnlyWhenAskedFor() {
		assertThat(BenchOptions.parse("--smoke").measuresGroups()).isFalse();
		BenchOptions groups = BenchOptions.parse("--smoke", "--only=groups");
		assertThat(groups.groupCounts).containsExactly(1, 4);
		assertThat(groups.groupsSize).isEqualTo(3);
		assertThat(groups.groupKills).isEqualTo(1);
	}

	@Test
	void badGroupCountsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse("--groups=0,10"))
			.withMessage("Numbers of election groups, the default one included, are between 1 and 200, such as 1,10,50, "
					+ "not '0,10'");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse("--groups=ten"));
	}

	@Test
	void theGroupsPartRunsWithoutTheDebugLogSinceTheEventLinesNameTheirGroup() {
		BenchOptions options = BenchOptions.parse("--no-debug-log");
		assertThat(options.debugLog).isFalse();
		assertThat(options.measuresGroups()).isTrue();
	}

}
