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
			.withMessage("--only takes failover, idle or membership (comma-separated), not 'members'");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse("--only="));
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse("--member-changes=-1"))
			.withMessage("--member-changes must not be negative");
	}

	@Test
	void theSmokeRunAddsAndRemovesAMemberTwice() {
		assertThat(BenchOptions.parse("--smoke").membershipChanges).isEqualTo(2);
	}

}
