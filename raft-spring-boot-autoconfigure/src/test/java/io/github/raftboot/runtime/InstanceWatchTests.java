package io.github.raftboot.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RequestVote;
import io.github.raftboot.transport.RpcRefusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InstanceWatch}: two processes that send as one member are told apart from one
 * member that restarted.
 */
@ExtendWith(OutputCaptureExtension.class)
class InstanceWatchTests {

	private static final Message HEARTBEAT = new AppendEntries("n2", "n1", 3, 0, 0, List.of(), 0, 1);

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final InstanceWatch watch = new InstanceWatch("n1", this.now::get);

	@Test
	void memberThatRestartsShowsANewInstanceAndIsAccepted() {
		assertThat(this.watch.check(HEARTBEAT, "a")).isNull();
		advance(Duration.ofSeconds(1));
		assertThat(this.watch.check(HEARTBEAT, "b")).isNull();
		advance(Duration.ofSeconds(1));
		assertThat(this.watch.check(HEARTBEAT, "b")).isNull();
	}

	@Test
	void twoProcessesThatTakeTurnsAreBothRefusedAndNamedInTheLog(CapturedOutput output) {
		assertThat(this.watch.check(HEARTBEAT, "a")).isNull();
		assertThat(this.watch.check(HEARTBEAT, "b")).isNull();
		RpcRefusal refusal = this.watch.check(HEARTBEAT, "a");
		assertThat(refusal).isNotNull();
		assertThat(refusal.status()).isEqualTo(409);
		assertThat(refusal.code()).isEqualTo(RpcRefusal.DUPLICATE_MEMBER_ID);
		assertThat(refusal.message()).contains("Member id 'n2' is used by two processes at once");
		assertThat(this.watch.check(HEARTBEAT, "b")).isNotNull();
		assertThat(output).contains("two processes that both claim member id 'n2'").contains("own raft.node-id");
		assertThat(output.toString().split("two processes that both claim", -1)).as("named once a minute").hasSize(2);
	}

	@Test
	void survivorOfTwoIsAcceptedAgainOnceTheOtherWasSilentForTheWindow() {
		this.watch.check(HEARTBEAT, "a");
		this.watch.check(HEARTBEAT, "b");
		assertThat(this.watch.check(HEARTBEAT, "a")).isNotNull();
		advance(InstanceWatch.ALTERNATION_WINDOW.plusSeconds(1));
		assertThat(this.watch.check(HEARTBEAT, "a")).isNull();
		assertThat(this.watch.check(HEARTBEAT, "a")).isNull();
	}

	@Test
	void voteOfATermIsGrantedToOneProcessOfACandidateOnly() {
		RequestVote first = new RequestVote("n2", "n1", 7, 1, 1, false, false);
		assertThat(this.watch.check(first, "a")).isNull();
		assertThat(this.watch.check(first, "a")).as("the same process may ask again").isNull();
		advance(InstanceWatch.ALTERNATION_WINDOW.plusSeconds(1));
		RpcRefusal refused = this.watch.check(first, "b");
		assertThat(refused).isNotNull();
		assertThat(refused.message()).contains("asked for a vote in term 7 already");
		RequestVote next = new RequestVote("n2", "n1", 8, 1, 1, false, false);
		assertThat(this.watch.check(next, "b")).as("a new term, a restarted candidate").isNull();
		assertThat(this.watch.check(new RequestVote("n2", "n1", 9, 1, 1, true, false), "b")).isNull();
	}

	@Test
	void requestWithoutAnInstanceIsNeverRefused() {
		assertThat(this.watch.check(HEARTBEAT, null)).isNull();
	}

	private void advance(Duration duration) {
		this.now.addAndGet(duration.toNanos());
	}

}
