package io.github.raftboot.demo;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import io.github.raftboot.demo.DemoCluster.ActionResult;
import jakarta.annotation.PreDestroy;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The dashboard's API: the state ({@code GET /api/state}, or pushed as server-sent events by
 * {@code GET /api/events}) and the actions, each answering {@code {"ok":…,"message":…}}.
 */
@RestController
@RequestMapping("/api")
class DashboardController {

	private final DemoCluster cluster;

	private final Set<SseEmitter> emitters = ConcurrentHashMap.newKeySet();

	/** Sends to the browsers off the polling thread; only the latest state is worth sending. */
	private final ExecutorService sender = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "demo-sse");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicReference<@Nullable String> pending = new AtomicReference<>();

	DashboardController(DemoCluster cluster) {
		this.cluster = cluster;
		cluster.addListener(this::publish);
	}

	@GetMapping(path = "/state", produces = MediaType.APPLICATION_JSON_VALUE)
	String state() {
		return this.cluster.state();
	}

	@GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter events() {
		SseEmitter emitter = new SseEmitter(0L);
		emitter.onCompletion(() -> this.emitters.remove(emitter));
		emitter.onError((ex) -> this.emitters.remove(emitter));
		emitter.onTimeout(() -> this.emitters.remove(emitter));
		this.emitters.add(emitter);
		publish(this.cluster.state());
		return emitter;
	}

	@PostMapping("/kill-leader")
	ResponseEntity<ActionResult> killLeader() {
		return respond(this.cluster.killLeader());
	}

	@PostMapping("/replicas/{id}/{action}")
	ResponseEntity<ActionResult> replica(@PathVariable String id, @PathVariable String action) {
		return switch (action) {
			case "start" -> respond(this.cluster.start(id));
			case "stop" -> respond(this.cluster.stop(id));
			case "kill" -> respond(this.cluster.kill(id));
			default -> ResponseEntity.badRequest().body(ActionResult.failed("Unknown action '" + action + "'"));
		};
	}

	@PostMapping("/links/{a}/{b}/{action}")
	ResponseEntity<ActionResult> link(@PathVariable String a, @PathVariable String b, @PathVariable String action) {
		return switch (action) {
			case "cut" -> respond(this.cluster.cut(a, b));
			case "heal" -> respond(this.cluster.heal(a, b));
			default -> ResponseEntity.badRequest().body(ActionResult.failed("Unknown action '" + action + "'"));
		};
	}

	@PostMapping("/transfer")
	ResponseEntity<ActionResult> transfer(@RequestParam(required = false) @Nullable String target) {
		return respond(this.cluster.transfer((target != null && !target.isBlank()) ? target : null));
	}

	private static ResponseEntity<ActionResult> respond(ActionResult result) {
		return ResponseEntity.status(result.ok() ? HttpStatus.OK : HttpStatus.CONFLICT).body(result);
	}

	private void publish(String state) {
		if (this.pending.getAndSet(state) == null) {
			this.sender.execute(this::send);
		}
	}

	private void send() {
		String state = this.pending.getAndSet(null);
		if (state == null) {
			return;
		}
		for (SseEmitter emitter : this.emitters) {
			try {
				emitter.send(SseEmitter.event().name("state").data(state, MediaType.APPLICATION_JSON));
			}
			catch (IOException | IllegalStateException ex) {
				this.emitters.remove(emitter);
			}
		}
	}

	@PreDestroy
	void close() {
		this.sender.shutdownNow();
		this.emitters.forEach(SseEmitter::complete);
		this.emitters.clear();
	}

}
