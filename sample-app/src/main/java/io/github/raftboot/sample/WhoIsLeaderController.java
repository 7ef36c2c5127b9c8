package io.github.raftboot.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.raftboot.leader.RaftLeadership;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Uses {@link RaftLeadership} directly: {@code GET /leader} tells who leads.
 */
@RestController
public class WhoIsLeaderController {

	private final RaftLeadership leadership;

	private final LeaderOnlyJob job;

	public WhoIsLeaderController(RaftLeadership leadership, LeaderOnlyJob job) {
		this.leadership = leadership;
		this.job = job;
	}

	@GetMapping("/leader")
	public Map<String, Object> leader() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("node", this.leadership.nodeId());
		body.put("isLeader", this.leadership.isLeader());
		body.put("leaderId", this.leadership.leaderId().orElse(null));
		body.put("term", this.leadership.currentTerm());
		body.put("jobRuns", this.job.runs());
		return body;
	}

}
