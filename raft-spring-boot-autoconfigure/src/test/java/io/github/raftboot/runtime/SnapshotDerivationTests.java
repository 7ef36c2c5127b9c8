package io.github.raftboot.runtime;

import java.time.Instant;
import java.util.List;

import io.github.raftboot.core.Lease;
import io.github.raftboot.core.Ready;
import io.github.raftboot.core.Role;
import io.github.raftboot.core.RoleChange;
import io.github.raftboot.core.Status;
import io.github.raftboot.event.LeaderChangedEvent;
import io.github.raftboot.event.LeadershipAcquiredEvent;
import io.github.raftboot.event.LeadershipRevokedEvent;
import io.github.raftboot.event.RaftEvent;
import io.github.raftboot.leader.RaftStatus;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SnapshotDerivation}: which snapshot and which events follow from the previous
 * snapshot and what the node produced. No threads, no clocks: every instant is an argument.
 */
class SnapshotDerivationTests {

	private static final Object SOURCE = new Object();

	private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

	private static final Instant T1 = T0.plusSeconds(1);

	/** The monotonic clock of the node, in nanoseconds. */
	private static final long NOW = 1_000_000_000L;

	/** A lease that holds at {@link #NOW}. */
	private static final Lease LEASE = new Lease(3, NOW + 100_000_000L, false);

	private final SnapshotDerivation derivation = new SnapshotDerivation("n1", SOURCE);

	private final StatusSnapshot initial = StatusSnapshot.initial("n1");

	@Test
	void aFollowerThatKnowsNoLeaderPublishesNoEvent() {
		SnapshotDerivation.Publication publication = this.derivation.running(this.initial,
				ready(follower(1, null)), NOW, T0);
		assertThat(publication.events()).isEmpty();
		assertThat(publication.leaderChanged()).isFalse();
		assertThat(publication.snapshot().state()).isEqualTo(RaftStatus.State.RUNNING);
		assertThat(publication.snapshot().leadership()).isNull();
		assertThat(publication.snapshot().lastLeaderContact()).isNull();
	}

	@Test
	void aFollowerThatLearnsOfALeaderPublishesTheLeaderAndWhenItWasKnown() {
		SnapshotDerivation.Publication publication = this.derivation.running(this.initial,
				ready(follower(2, "n2")), NOW, T0);
		assertThat(publication.events()).singleElement().isInstanceOfSatisfying(LeaderChangedEvent.class, (event) -> {
			assertThat(event.getSource()).isSameAs(SOURCE);
			assertThat(event.getNodeId()).isEqualTo("n1");
			assertThat(event.getTerm()).isEqualTo(2);
			assertThat(event.getLeaderId()).contains("n2");
		});
		assertThat(publication.leaderChanged()).isTrue();
		assertThat(publication.snapshot().lastLeaderContact()).isEqualTo(T0);
		SnapshotDerivation.Publication same = this.derivation.running(publication.snapshot(),
				ready(follower(2, "n2")), NOW, T1);
		assertThat(same.events()).isEmpty();
		assertThat(same.snapshot().lastLeaderContact()).isEqualTo(T1);
		SnapshotDerivation.Publication lost = this.derivation.running(same.snapshot(), ready(follower(3, null)),
				NOW, T1.plusSeconds(1));
		assertThat(names(lost.events())).containsExactly("LeaderChangedEvent");
		assertThat(lost.snapshot().lastLeaderContact()).as("kept while no leader is known").isEqualTo(T1);
	}

	@Test
	void theSameLeaderInANewTermIsANewLeader() {
		StatusSnapshot knowsN2 = this.derivation.running(this.initial, ready(follower(2, "n2")), NOW, T0).snapshot();
		SnapshotDerivation.Publication publication = this.derivation.running(knowsN2, ready(follower(3, "n2")), NOW,
				T1);
		assertThat(publication.events()).singleElement()
			.isInstanceOfSatisfying(LeaderChangedEvent.class, (event) -> assertThat(event.getTerm()).isEqualTo(3));
	}

	@Test
	void aLeaderIsAcquiredOnlyOnceItsLeaseHolds() {
		SnapshotDerivation.Publication elected = this.derivation.running(this.initial, ready(leader(3, null)), NOW,
				T0);
		assertThat(names(elected.events())).containsExactly("LeaderChangedEvent");
		assertThat(elected.snapshot().leadership()).isNull();
		SnapshotDerivation.Publication active = this.derivation.running(elected.snapshot(), ready(leader(3, LEASE)),
				NOW, T1);
		assertThat(active.events()).singleElement()
			.isInstanceOfSatisfying(LeadershipAcquiredEvent.class, (event) -> assertThat(event.getTerm()).isEqualTo(3));
		assertThat(active.snapshot().leadership()).isEqualTo(new StatusSnapshot.Leadership(3, T1));
	}

	@Test
	void aLeaderThatStaysActiveKeepsSinceWhen() {
		StatusSnapshot active = activeLeader();
		SnapshotDerivation.Publication again = this.derivation.running(active, ready(leader(3, LEASE)), NOW + 1,
				T1.plusSeconds(5));
		assertThat(again.events()).isEmpty();
		assertThat(again.snapshot().leadership()).isEqualTo(active.leadership());
	}

	@Test
	void acquiredPrecedesTheNewsOfTheLeaderWhenBothHappenAtOnce() {
		SnapshotDerivation.Publication publication = this.derivation.running(this.initial, ready(leader(3, LEASE)),
				NOW, T0);
		assertThat(names(publication.events())).containsExactly("LeadershipAcquiredEvent", "LeaderChangedEvent");
	}

	@Test
	void aLeaseThatEndedDuringAPauseIsRevokedOnlyOnceItsCatchUpIsOverUnrenewed() {
		long end = LEASE.endNanos();
		Lease catchingUp = new Lease(3, end, false, end + 25_000_000L);
		SnapshotDerivation.Publication waiting = this.derivation.running(activeLeader(), ready(leader(3, catchingUp)),
				end + 1, T1);
		assertThat(waiting.events()).as("the answers queued behind the pause may still renew it").isEmpty();
		assertThat(waiting.snapshot().status().isActiveLeaderAt(end + 1)).as("nothing may act on it meanwhile")
			.isFalse();
		SnapshotDerivation.Publication renewed = this.derivation.running(waiting.snapshot(),
				ready(leader(3, new Lease(3, end + 200_000_000L, false))), end + 2, T1);
		assertThat(renewed.events()).isEmpty();
		assertThat(renewed.snapshot().leadership()).isEqualTo(waiting.snapshot().leadership());
		SnapshotDerivation.Publication lapsed = this.derivation.running(waiting.snapshot(), ready(leader(3, catchingUp)),
				catchingUp.lapseReportedFromNanos(), T1);
		assertThat(lapsed.events()).singleElement()
			.isInstanceOfSatisfying(LeadershipRevokedEvent.class,
					(event) -> assertThat(event.getReason()).isEqualTo(LeadershipRevokedEvent.Reason.LEASE_LOST));
		assertThat(lapsed.snapshot().leadership()).isNull();
	}

	@Test
	void aLeaseInItsCatchUpAcquiresNothing() {
		long end = LEASE.endNanos();
		Lease catchingUp = new Lease(3, end, false, end + 25_000_000L);
		SnapshotDerivation.Publication publication = this.derivation.running(this.initial,
				ready(leader(3, catchingUp)), end + 1, T0);
		assertThat(names(publication.events())).containsExactly("LeaderChangedEvent");
		assertThat(publication.snapshot().leadership()).isNull();
	}

	@Test
	void aLeaseThatRanOutRevokesTheLeadershipOfItsTerm() {
		SnapshotDerivation.Publication publication = this.derivation.running(activeLeader(), ready(leader(3, LEASE)),
				LEASE.endNanos(), T1);
		assertThat(publication.events()).singleElement().isInstanceOfSatisfying(LeadershipRevokedEvent.class, (event) -> {
			assertThat(event.getTerm()).isEqualTo(3);
			assertThat(event.getReason()).isEqualTo(LeadershipRevokedEvent.Reason.LEASE_LOST);
		});
		assertThat(publication.snapshot().leadership()).isNull();
	}

	@Test
	void aHigherTermRevokesBeforeTheNewLeaderIsNamed() {
		Ready ready = new Ready(null, List.of(),
				List.of(new RoleChange(Role.LEADER, Role.FOLLOWER, 4, RoleChange.Reason.HIGHER_TERM)),
				follower(4, "n2"));
		SnapshotDerivation.Publication publication = this.derivation.running(activeLeader(), ready, NOW, T1);
		assertThat(names(publication.events())).containsExactly("LeadershipRevokedEvent", "LeaderChangedEvent");
		LeadershipRevokedEvent revoked = (LeadershipRevokedEvent) publication.events().get(0);
		assertThat(revoked.getReason()).isEqualTo(LeadershipRevokedEvent.Reason.HIGHER_TERM);
		assertThat(revoked.getTerm()).as("the term of the leadership that ended").isEqualTo(3);
	}

	@Test
	void aLeaderHandingOverIsRevokedForTheTransfer() {
		Status handingOver = new Status("n1", Role.LEADER, 3, "n1", "n1", 1, 1, 3, null, NOW, "n2", List.of());
		SnapshotDerivation.Publication publication = this.derivation.running(activeLeader(), ready(handingOver), NOW,
				T1);
		assertThat(publication.events()).singleElement()
			.isInstanceOfSatisfying(LeadershipRevokedEvent.class,
					(event) -> assertThat(event.getReason()).isEqualTo(LeadershipRevokedEvent.Reason.TRANSFER));
	}

	@Test
	void stoppingALeaderRevokesItForTheShutdownAndForgetsTheLeader() {
		SnapshotDerivation.Publication publication = this.derivation.stopped(activeLeader(), RaftStatus.State.STOPPED,
				LeadershipRevokedEvent.Reason.SHUTDOWN, T1);
		assertThat(names(publication.events())).containsExactly("LeadershipRevokedEvent", "LeaderChangedEvent");
		assertThat(((LeadershipRevokedEvent) publication.events().get(0)).getReason())
			.isEqualTo(LeadershipRevokedEvent.Reason.SHUTDOWN);
		StatusSnapshot stopped = publication.snapshot();
		assertThat(stopped.state()).isEqualTo(RaftStatus.State.STOPPED);
		assertThat(stopped.status().role()).isEqualTo(Role.FOLLOWER);
		assertThat(stopped.status().term()).isEqualTo(3);
		assertThat(stopped.status().leaderId()).isNull();
		assertThat(stopped.status().lease()).isNull();
		assertThat(stopped.leadership()).isNull();
		assertThat(stopped.lastLeaderContact()).as("when a leader was last known").isEqualTo(T0);
	}

	@Test
	void aFailedFollowerPublishesItsStateAndNoEvent() {
		SnapshotDerivation.Publication publication = this.derivation.stopped(this.initial, RaftStatus.State.FAILED,
				LeadershipRevokedEvent.Reason.FAILURE, T1);
		assertThat(publication.events()).isEmpty();
		assertThat(publication.snapshot().state()).isEqualTo(RaftStatus.State.FAILED);
		SnapshotDerivation.Publication ofLeader = this.derivation.stopped(activeLeader(), RaftStatus.State.FAILED,
				LeadershipRevokedEvent.Reason.FAILURE, T1);
		assertThat(((LeadershipRevokedEvent) ofLeader.events().get(0)).getReason())
			.isEqualTo(LeadershipRevokedEvent.Reason.FAILURE);
	}

	/** The snapshot of n1 as active leader of term 3 since {@link #T0}. */
	private StatusSnapshot activeLeader() {
		StatusSnapshot active = this.derivation.running(this.initial, ready(leader(3, LEASE)), NOW, T0).snapshot();
		assertThat(active.leadership()).isNotNull();
		return active;
	}

	private static Ready ready(Status status) {
		return new Ready(null, List.of(), List.of(), status);
	}

	private static Status follower(long term, @Nullable String leaderId) {
		return new Status("n1", Role.FOLLOWER, term, leaderId, null, 0, 0, 0, null, null, null, List.of());
	}

	private static Status leader(long term, @Nullable Lease lease) {
		return new Status("n1", Role.LEADER, term, "n1", "n1", 1, 1, term, lease, NOW, null, List.of());
	}

	private static List<String> names(List<RaftEvent> events) {
		return events.stream().map((event) -> event.getClass().getSimpleName()).toList();
	}

}
