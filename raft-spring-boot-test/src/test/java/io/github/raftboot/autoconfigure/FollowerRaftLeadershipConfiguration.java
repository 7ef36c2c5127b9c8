package io.github.raftboot.autoconfigure;

import java.time.Instant;

import io.github.raftboot.actuate.Statuses;
import io.github.raftboot.core.Role;
import io.github.raftboot.leader.RaftLeadership;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A user configuration with a {@link RaftLeadership} of its own, a test one: "n1", a follower of
 * "n2" in term 2, and no RaftServer.
 */
@Configuration(proxyBeanMethods = false)
class FollowerRaftLeadershipConfiguration {

	@Bean
	RaftLeadership raftLeadership() {
		return Statuses.leadership(Statuses.running("n1", Role.FOLLOWER, 2, "n2", Instant.now()));
	}

}
