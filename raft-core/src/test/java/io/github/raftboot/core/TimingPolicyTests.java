package io.github.raftboot.core;

import java.time.Duration;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TimingPolicy}: when a leader widens or narrows the timing.
 */
class TimingPolicyTests {

	private static final long S = 1_000_000_000L;

	private static final long MS = 1_000_000L;

	private static final Timing CONFIGURED = Timing.of(Duration.ofMillis(150), Duration.ofMillis(300),
			Duration.ofMillis(50), "configured");

	/** Without the settling time of a new leadership, which {@link #incidentsWhileALeadershipSettlesDoNotWidenButKeepItFromNarrowing} is about. */
	private final TimingPolicy policy = new TimingPolicy(Duration.ofMinutes(5), Duration.ZERO);

	@Test
	void oneIncidentIsNotEnoughToWiden() {
		this.policy.start(0, CONFIGURED);
		this.policy.incident(TimingPolicy.Kind.LEASE_LAPSE, S);
		assertThat(this.policy.decide(0, 2, 50 * MS, 2 * S)).isNull();
	}

	@Test
	void twoIncidentsWithinTheWindowWidenByOneLevelAndNameWhatHappened() {
		this.policy.start(0, CONFIGURED);
		this.policy.incident(TimingPolicy.Kind.LEASE_LAPSE, S);
		this.policy.incident(TimingPolicy.Kind.PAUSE, 20 * S);
		TimingPolicy.Decision decision = this.policy.decide(0, 2, 50 * MS, 21 * S);
		assertThat(decision).isNotNull();
		assertThat(decision.level()).isEqualTo(1);
		assertThat(decision.reason()).isEqualTo("widened after 1 lease lapse, 1 pause within 30 s");
	}

	@Test
	void incidentsWhileALeadershipSettlesDoNotWidenButKeepItFromNarrowing() {
		TimingPolicy settling = new TimingPolicy(Duration.ofMinutes(5));
		settling.start(0, CONFIGURED);
		settling.incident(TimingPolicy.Kind.LATE_ROUND, S / 2);
		settling.incident(TimingPolicy.Kind.CAMPAIGN_WHILE_LEADING, S);
		settling.incident(TimingPolicy.Kind.PAUSE, 4 * S);
		settling.majorityRoundTrip(20 * MS, 4 * S);
		assertThat(settling.decide(0, 2, 50 * MS, 5 * S)).as("cold start transients").isNull();
		assertThat(settling.decide(1, 2, 50 * MS, 303 * S)).as("4 s of trouble 299 s ago").isNull();
		assertThat(settling.decide(1, 2, 50 * MS, 304 * S)).isNotNull();
		settling.incident(TimingPolicy.Kind.LEASE_LAPSE, 305 * S);
		settling.incident(TimingPolicy.Kind.LEASE_LAPSE, 306 * S);
		assertThat(settling.decide(0, 2, 50 * MS, 306 * S).level()).as("once settled").isEqualTo(1);
		settling.start(400 * S, CONFIGURED);
		settling.incident(TimingPolicy.Kind.PAUSE, 401 * S);
		settling.incident(TimingPolicy.Kind.LATE_ROUND, 402 * S);
		assertThat(settling.decide(0, 2, 50 * MS, 403 * S)).as("a new leadership settles again").isNull();
	}

	@Test
	void aLeaseThatLapsesWhileALeadershipSettlesAtTheConfiguredTimingWidensAtOnce() {
		TimingPolicy settling = new TimingPolicy(Duration.ofMinutes(5));
		settling.start(0, CONFIGURED);
		settling.incident(TimingPolicy.Kind.LEASE_LAPSE, S);
		assertThat(settling.decide(0, 2, 50 * MS, S + MS)).as("cut off from the majority, or not yet renewed").isNull();
		settling.majorityRoundTrip(80 * MS, S + 80 * MS);
		TimingPolicy.Decision decision = settling.decide(0, 2, 50 * MS, S + 90 * MS);
		assertThat(decision).isNotNull();
		assertThat(decision.level()).isEqualTo(1);
		assertThat(decision.reason())
			.isEqualTo("widened after 1 lease lapse in the first 5 s of a leadership at the configured timing");
		settling.changed(decision, 0, S + MS);
		settling.incident(TimingPolicy.Kind.LEASE_LAPSE, S + 100 * MS);
		assertThat(settling.decide(1, 2, 50 * MS, S + 200 * MS)).as("the same episode, as the new timing settles")
			.isNull();
	}

	@Test
	void aWideningOnALapseWhileALeadershipSettledNarrowsAfterThirtyQuietSecondsUnlessTroubleConfirmsIt() {
		TimingPolicy settling = new TimingPolicy(Duration.ofMinutes(5));
		TimingPolicy.Decision widen = lapsedWhileSettling(settling);
		assertThat(widen.tentative()).isTrue();
		settling.changed(widen, 0, 2 * S);
		// The start storm goes on while the new timing settles: no confirmation, but no quiet either
		settling.incident(TimingPolicy.Kind.LEASE_LAPSE, 3 * S);
		settling.majorityRoundTrip(20 * MS, 4 * S);
		assertThat(settling.decide(1, 2, 50 * MS, 32 * S)).as("30 s after the change, 29 s after the last lapse")
			.isNull();
		TimingPolicy.Decision narrow = settling.decide(1, 2, 50 * MS, 33 * S);
		assertThat(narrow).isNotNull();
		assertThat(narrow.level()).isZero();
		assertThat(narrow.reason()).startsWith("narrowed after 30 s without trouble");

		TimingPolicy confirmed = widenedOnASettlingLapse();
		confirmed.incident(TimingPolicy.Kind.LATE_ROUND, 10 * S);
		confirmed.majorityRoundTrip(20 * MS, 11 * S);
		assertThat(confirmed.decide(1, 2, 50 * MS, 60 * S)).as("trouble after the new timing settled").isNull();
		assertThat(confirmed.decide(1, 2, 50 * MS, 310 * S)).as("the quiet period after it").isNotNull();

		TimingPolicy slow = widenedOnASettlingLapse();
		slow.majorityRoundTrip(60 * MS, 40 * S);
		assertThat(slow.decide(1, 2, 50 * MS, 60 * S)).as("a majority slower than the narrower heartbeat 20 s ago")
			.isNull();
		assertThat(slow.decide(1, 2, 50 * MS, 71 * S)).as("the storm's tail 31 s ago").isNotNull();
	}

	@Test
	void aLeaderThatTakesOverATentativeWideningNarrowsItAsEarlyAsTheLeaderThatWidenedIt() {
		// What the log keeps of a tentative widening: the timing with the reason
		Timing tentative = CONFIGURED.scaled(1, 1000, lapsedWhileSettling(new TimingPolicy(Duration.ofMinutes(5))).reason());
		assertThat(TimingPolicy.isTentative(tentative)).isTrue();

		TimingPolicy next = new TimingPolicy(Duration.ofMinutes(5));
		next.start(3 * S, tentative);
		next.majorityRoundTrip(20 * MS, 4 * S);
		assertThat(next.decide(1, 2, 50 * MS, 32 * S)).as("29 s into its leadership").isNull();
		TimingPolicy.Decision narrow = next.decide(1, 2, 50 * MS, 33 * S);
		assertThat(narrow).isNotNull();
		assertThat(narrow.level()).isZero();

		TimingPolicy confirmedElsewhere = new TimingPolicy(Duration.ofMinutes(5));
		confirmedElsewhere.start(3 * S,
				CONFIGURED.scaled(1, 1000, "widened after 1 lease lapse, 1 pause within 30 s"));
		assertThat(confirmedElsewhere.decide(1, 2, 50 * MS, 33 * S)).as("a widening that incidents confirmed")
			.isNull();
		assertThat(confirmedElsewhere.decide(1, 2, 50 * MS, 303 * S)).as("the quiet period").isNotNull();

		TimingPolicy formerWidener = widenedOnASettlingLapse();
		formerWidener.start(40 * S, CONFIGURED.scaled(1, 1000, "set to level 1 by hand"));
		assertThat(formerWidener.decide(1, 2, 50 * MS, 75 * S))
			.as("leading again, once another leader replaced its tentative timing").isNull();
	}

	@Test
	void eachTentativeWideningDrawsAQuietPeriodOfThirtyToFortyFiveSecondsSoThatGroupsNarrowApart() {
		long[] drawn = new long[2];
		RandomGenerator longest = new RandomGenerator() {

			@Override
			public long nextLong() {
				return 0;
			}

			@Override
			public long nextLong(long bound) {
				drawn[0]++;
				drawn[1] = bound;
				return bound - 1;
			}

		};
		TimingPolicy policy = widenedOnASettlingLapse(new TimingPolicy(Duration.ofMinutes(5), longest));
		assertThat(drawn[0]).isOne();
		assertThat(drawn[1]).isEqualTo(15 * S + 1);
		assertThat(policy.decide(1, 2, 50 * MS, 33 * S)).as("30 s after the widening").isNull();
		assertThat(policy.decide(1, 2, 50 * MS, 47 * S - 1)).isNull();
		TimingPolicy.Decision narrow = policy.decide(1, 2, 50 * MS, 47 * S);
		assertThat(narrow).isNotNull();
		assertThat(narrow.reason()).startsWith("narrowed after 45 s without trouble");
	}

	/** A policy whose leadership began at 0, lapsed at 1 s, renewed, and widened tentatively at 2 s. */
	private static TimingPolicy widenedOnASettlingLapse() {
		return widenedOnASettlingLapse(new TimingPolicy(Duration.ofMinutes(5)));
	}

	private static TimingPolicy widenedOnASettlingLapse(TimingPolicy policy) {
		policy.changed(lapsedWhileSettling(policy), 0, 2 * S);
		return policy;
	}

	/**
	 * Begins the policy's leadership at 0 on the configured timing, lapses its lease at 1 s, and
	 * has a majority renew it: what it decides at 1.09 s.
	 */
	private static TimingPolicy.Decision lapsedWhileSettling(TimingPolicy policy) {
		policy.start(0, CONFIGURED);
		policy.incident(TimingPolicy.Kind.LEASE_LAPSE, S);
		policy.majorityRoundTrip(80 * MS, S + 80 * MS);
		return policy.decide(0, 2, 50 * MS, S + 90 * MS);
	}

	@Test
	void aLeaseThatLapsesWhileALeadershipSettlesWidensNoFurtherThanLevelOne() {
		TimingPolicy settling = new TimingPolicy(Duration.ofMinutes(5));
		settling.start(0, CONFIGURED);
		settling.incident(TimingPolicy.Kind.LEASE_LAPSE, S);
		settling.majorityRoundTrip(80 * MS, S + 80 * MS);
		assertThat(settling.decide(1, 2, 50 * MS, S + MS)).as("already wider than configured").isNull();
		assertThat(settling.decide(0, 0, 50 * MS, S + MS)).as("the ceiling is the configured timing").isNull();
	}

	@Test
	void aLeaseThatLapsesRightAfterANarrowingToTheConfiguredTimingDoesNotWidenAtOnce() {
		TimingPolicy settling = new TimingPolicy(Duration.ofMinutes(5));
		settling.start(0, CONFIGURED);
		settling.changed(new TimingPolicy.Decision(0, "narrowed"), 1, 400 * S);
		settling.incident(TimingPolicy.Kind.LEASE_LAPSE, 401 * S);
		settling.majorityRoundTrip(80 * MS, 401 * S + 80 * MS);
		assertThat(settling.decide(0, 2, 50 * MS, 402 * S)).as("not a new leadership: one incident as any other")
			.isNull();
	}

	@Test
	void incidentsRightAfterAWideningDoNotWidenAgainBeforeTheNewTimingSettled() {
		TimingPolicy settling = new TimingPolicy(Duration.ofMinutes(5));
		settling.start(0, CONFIGURED);
		settling.incident(TimingPolicy.Kind.LEASE_LAPSE, 10 * S);
		settling.incident(TimingPolicy.Kind.PAUSE, 10 * S + 10 * MS);
		TimingPolicy.Decision widen = settling.decide(0, 2, 50 * MS, 10 * S + 20 * MS);
		assertThat(widen.level()).isEqualTo(1);
		settling.changed(widen, 0, 10 * S + 20 * MS);
		settling.incident(TimingPolicy.Kind.LEASE_LAPSE, 10 * S + 100 * MS);
		settling.incident(TimingPolicy.Kind.LATE_ROUND, 10 * S + 180 * MS);
		assertThat(settling.decide(1, 2, 50 * MS, 10 * S + 200 * MS)).as("the same episode").isNull();
		settling.incident(TimingPolicy.Kind.LEASE_LAPSE, 16 * S);
		settling.incident(TimingPolicy.Kind.LATE_ROUND, 17 * S);
		assertThat(settling.decide(1, 2, 50 * MS, 17 * S).level()).as("trouble that goes on").isEqualTo(2);
	}

	@Test
	void incidentsFurtherApartThanTheWindowDoNotWiden() {
		this.policy.start(0, CONFIGURED);
		this.policy.incident(TimingPolicy.Kind.LATE_ROUND, S);
		this.policy.incident(TimingPolicy.Kind.LATE_ROUND, 32 * S);
		assertThat(this.policy.decide(0, 2, 50 * MS, 32 * S)).isNull();
	}

	@Test
	void neverWidensBeyondTheCeilingsLevel() {
		this.policy.start(0, CONFIGURED);
		this.policy.incident(TimingPolicy.Kind.LEASE_LAPSE, S);
		this.policy.incident(TimingPolicy.Kind.LEASE_LAPSE, 2 * S);
		assertThat(this.policy.decide(2, 2, 50 * MS, 3 * S)).isNull();
	}

	@Test
	void aWideningForgetsTheIncidentsSoTheNextLevelNeedsNewOnes() {
		this.policy.start(0, CONFIGURED);
		this.policy.incident(TimingPolicy.Kind.LEASE_LAPSE, S);
		this.policy.incident(TimingPolicy.Kind.LEASE_LAPSE, 2 * S);
		TimingPolicy.Decision widen = this.policy.decide(0, 2, 50 * MS, 3 * S);
		this.policy.changed(widen, 0, 3 * S);
		assertThat(this.policy.decide(1, 2, 50 * MS, 4 * S)).isNull();
		this.policy.incident(TimingPolicy.Kind.LEASE_LAPSE, 5 * S);
		this.policy.incident(TimingPolicy.Kind.LEASE_LAPSE, 6 * S);
		assertThat(this.policy.decide(1, 2, 50 * MS, 7 * S).level()).isEqualTo(2);
	}

	@Test
	void narrowsOnlyAfterAQuietPeriodWithFastRoundTrips() {
		this.policy.start(0, CONFIGURED);
		this.policy.majorityRoundTrip(3 * MS, S);
		assertThat(this.policy.decide(1, 2, 50 * MS, 299 * S)).isNull();
		TimingPolicy.Decision narrow = this.policy.decide(1, 2, 50 * MS, 300 * S);
		assertThat(narrow.level()).isZero();
		assertThat(narrow.reason()).isEqualTo("narrowed after 300 s without trouble (slowest majority round trip 3 ms)");
	}

	@Test
	void slowRoundTripsOrARecentIncidentKeepTheWiderTiming() {
		this.policy.start(0, CONFIGURED);
		this.policy.majorityRoundTrip(60 * MS, S);
		assertThat(this.policy.decide(1, 2, 50 * MS, 400 * S)).as("round trips above the narrower heartbeat").isNull();
		TimingPolicy other = new TimingPolicy(Duration.ofMinutes(5), Duration.ZERO);
		other.start(0, CONFIGURED);
		other.incident(TimingPolicy.Kind.PAUSE, 200 * S);
		assertThat(other.decide(1, 2, 50 * MS, 400 * S)).as("an incident 200 s ago").isNull();
		assertThat(other.decide(1, 2, 50 * MS, 500 * S)).isNotNull();
	}

	@Test
	void wideningSoonAfterANarrowingDoublesTheNextQuietPeriod() {
		this.policy.start(0, CONFIGURED);
		TimingPolicy.Decision narrow = this.policy.decide(1, 2, 50 * MS, 300 * S);
		this.policy.changed(narrow, 1, 300 * S);
		this.policy.incident(TimingPolicy.Kind.LEASE_LAPSE, 310 * S);
		this.policy.incident(TimingPolicy.Kind.LEASE_LAPSE, 311 * S);
		TimingPolicy.Decision widen = this.policy.decide(0, 2, 50 * MS, 312 * S);
		this.policy.changed(widen, 0, 312 * S);
		assertThat(this.policy.decide(1, 2, 50 * MS, 612 * S)).as("after 5 minutes").isNull();
		assertThat(this.policy.decide(1, 2, 50 * MS, 912 * S)).as("after 10 minutes").isNotNull();
	}

}
