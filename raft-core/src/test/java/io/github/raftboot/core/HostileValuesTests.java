package io.github.raftboot.core;

import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.github.raftboot.core.NodeHarness.MAX;
import static io.github.raftboot.core.NodeHarness.MS;
import static io.github.raftboot.core.NodeHarness.START;
import static io.github.raftboot.core.NodeHarness.THREE;
import static io.github.raftboot.core.NodeHarness.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Terms, indices and rounds are bounded by {@link Message#MAX_VALUE} (2^53) in every core record,
 * so that whatever a sender or a state file claims, the node's arithmetic never overflows.
 */
class HostileValuesTests {

	private static final long LIMIT = Message.MAX_VALUE;

	@Test
	void boundIsTwoToTheFiftyThird() {
		assertThat(LIMIT).isEqualTo(9_007_199_254_740_992L);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("boundedValues")
	void everyBoundedValueAcceptsZeroToTheBoundAndRejectsTheRest(String name, LongFunction<Object> create,
			long lowest) {
		assertThatNoException().isThrownBy(() -> create.apply(lowest));
		assertThatNoException().isThrownBy(() -> create.apply(LIMIT));
		for (long invalid : new long[] { lowest - 1, LIMIT + 1, Long.MAX_VALUE, Long.MIN_VALUE, -1 }) {
			if (invalid < lowest || invalid > LIMIT) {
				assertThatIllegalArgumentException().as("%s = %d", name, invalid)
					.isThrownBy(() -> create.apply(invalid));
			}
		}
	}

	static Stream<Arguments> boundedValues() {
		return Stream.of(
				bounded("RequestVote.term", (v) -> new RequestVote("a", "b", v, 0, 0, false, false), 0),
				bounded("RequestVote.lastLogIndex", (v) -> new RequestVote("a", "b", 1, v, 0, false, false), 0),
				bounded("RequestVote.lastLogTerm", (v) -> new RequestVote("a", "b", 1, 0, v, false, false), 0),
				bounded("RequestVoteResponse.term", (v) -> new RequestVoteResponse("a", "b", v, true, false), 0),
				bounded("AppendEntries.term", (v) -> new AppendEntries("a", "b", v, 0, 0, List.of(), 0, 0), 0),
				bounded("AppendEntries.prevLogIndex", (v) -> new AppendEntries("a", "b", 1, v, 0, List.of(), 0, 0), 0),
				bounded("AppendEntries.prevLogTerm", (v) -> new AppendEntries("a", "b", 1, 0, v, List.of(), 0, 0), 0),
				bounded("AppendEntries.leaderCommit", (v) -> new AppendEntries("a", "b", 1, 0, 0, List.of(), v, 0), 0),
				bounded("AppendEntries.round", (v) -> new AppendEntries("a", "b", 1, 0, 0, List.of(), 0, v), 0),
				bounded("AppendEntriesResponse.term", (v) -> new AppendEntriesResponse("a", "b", v, true, 0, 0, 0), 0),
				bounded("AppendEntriesResponse.index", (v) -> new AppendEntriesResponse("a", "b", 1, true, v, 0, 0), 0),
				bounded("AppendEntriesResponse.lastLogIndex",
						(v) -> new AppendEntriesResponse("a", "b", 1, true, 0, v, 0), 0),
				bounded("AppendEntriesResponse.round", (v) -> new AppendEntriesResponse("a", "b", 1, true, 0, 0, v), 0),
				bounded("TimeoutNow.term", (v) -> new TimeoutNow("a", "b", v), 0),
				bounded("LogEntry.index", (v) -> new LogEntry(v, 1, EntryType.NOOP), 1),
				bounded("LogEntry.term", (v) -> new LogEntry(1, v, EntryType.NOOP), 1),
				bounded("PersistentState.term", (v) -> new PersistentState(v, null, List.of()), 0));
	}

	private static Arguments bounded(String name, LongFunction<Object> create, long lowest) {
		return Arguments.of(name, create, lowest);
	}

	@Test
	void entriesCannotRunPastTheBound() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AppendEntries("a", "b", 1, LIMIT, 1, List.of(entry(LIMIT + 1, 1)), 0, 0));
	}

	@Test
	void nodePushedToTheHighestTermNeverCampaignsNorOverflows() {
		NodeHarness a = NodeHarness.start("a", THREE);
		a.step(new RequestVote("b", "a", LIMIT, 0, 0, false, false), START + 200 * MS);
		assertThat(a.node().term()).isEqualTo(LIMIT);
		for (int i = 1; i <= 5; i++) {
			Ready ready = a.tickWhenDue();
			assertThat(ready.messages()).isEmpty();
			assertThat(ready.roleChanges()).isEmpty();
			assertThat(a.node().role()).isEqualTo(Role.FOLLOWER);
			assertThat(a.node().term()).isEqualTo(LIMIT);
		}
		assertThat(a.node().nextTickNanos() - a.now()).isBetween(150 * MS, MAX);
	}

	@Test
	void nodeLoadedAtTheHighestTermStillFollowsALeaderOfThatTerm() {
		NodeHarness a = NodeHarness.start("a", THREE, new PersistentState(LIMIT, null, List.of()));
		Ready ready = a.step(new AppendEntries("b", "a", LIMIT, 0, 0, List.of(entry(1, LIMIT)), 1, LIMIT),
				START + MS);
		assertThat(ready.messages()).containsExactly(new AppendEntriesResponse("a", "b", LIMIT, true, 1, 1, LIMIT));
		assertThat(a.node().leaderId()).isEqualTo("b");
		assertThat(a.node().commitIndex()).isEqualTo(1);
	}

}
