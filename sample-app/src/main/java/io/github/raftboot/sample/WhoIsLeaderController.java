package io.github.raftboot.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.raftboot.core.TransferResult;
import io.github.raftboot.leader.RaftLeadership;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Uses {@link RaftLeadership} directly: {@code GET /leader} tells who leads, the default group
 * at the top level and every election group under {@code groups}; {@code POST
 * /leader/groups/{group}/transfer?target=n2} asks this replica to hand one group it leads over.
 */
@RestController
public class WhoIsLeaderController {

	private final RaftLeadership leadership;

	private final LeaderOnlyJob job;

	private final GroupJobs groupJobs;

	public WhoIsLeaderController(RaftLeadership leadership, LeaderOnlyJob job, GroupJobs groupJobs) {
		this.leadership = leadership;
		this.job = job;
		this.groupJobs = groupJobs;
	}

	@GetMapping("/leader")
	public Map<String, Object> leader() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("node", this.leadership.nodeId());
		body.put("isLeader", this.leadership.isLeader());
		body.put("leaderId", this.leadership.leaderId().orElse(null));
		body.put("term", this.leadership.currentTerm());
		body.put("jobRuns", this.job.runs());
		Map<String, Object> groups = new LinkedHashMap<>();
		for (String name : this.leadership.groups()) {
			RaftLeadership group = this.leadership.group(name);
			Map<String, Object> view = new LinkedHashMap<>();
			view.put("isLeader", group.isLeader());
			view.put("leaderId", group.leaderId().orElse(null));
			view.put("term", group.currentTerm());
			view.put("jobRuns", RaftLeadership.DEFAULT_GROUP.equals(name) ? this.job.runs() : this.groupJobs.runs(name));
			groups.put(name, view);
		}
		body.put("groups", groups);
		return body;
	}

	@PostMapping("/leader/groups/{group}/transfer")
	public ResponseEntity<Map<String, Object>> transfer(@PathVariable String group, @RequestParam String target) {
		if (!this.leadership.groups().contains(group)) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND)
				.body(Map.of("error", "No election group '" + group + "'; groups: " + this.leadership.groups()));
		}
		TransferResult result = this.leadership.group(group).transferLeadership(target);
		return ResponseEntity.ok(Map.of("group", group, "from", this.leadership.nodeId(), "result", result.name()));
	}

}
