package io.github.raftboot.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.Message;
import io.github.raftboot.transport.RaftTransport;
import io.github.raftboot.transport.RaftTransport.GroupRequest;

/**
 * What the election groups of one member share: the core thread that runs every group's node,
 * the event thread, and an outbox that sends whatever the groups send to one member at one
 * moment in a single exchange ({@link RaftTransport#sendTogether(List, double)}).
 *
 * <p>Requests wait in the outbox until the task that produced them on the core thread is done,
 * and go out right after it. Before they go, when a heartbeat is among them, every other group
 * this member leads whose heartbeat is due within half a heartbeat interval sends it at once
 * ({@link #beforeFlush(Runnable)}): the groups' heartbeats fall into step, and a member that leads
 * ten groups sends one message per member and heartbeat interval, not ten. Sending a heartbeat
 * early never lengthens the time between two, so it cannot make a lease lapse.
 *
 * <p>The price: a request of a group leaves after its state is persisted even where a lone
 * member sends it before (a leader's AppendEntries, a candidate's votes asked for, see
 * {@link io.github.raftboot.core.Ready#messagesBeforePersisting()}), so that a save no longer
 * overlaps their round trip; a heartbeat persists nothing, an election is rare.
 */
final class GroupThreads {

	private final ScheduledThreadPoolExecutor core;

	private final ExecutorService events;

	private final Outbox outbox;

	/**
	 * Creates the threads of a member's groups.
	 * @param nodeId the member's id, in the threads' names
	 * @param transport carries the requests
	 */
	GroupThreads(String nodeId, RaftTransport transport) {
		this.core = CoreLoop.newCoreThread(nodeId);
		this.events = CoreLoop.newEventThread(nodeId);
		this.outbox = new Outbox(this.core, transport);
	}

	ScheduledThreadPoolExecutor core() {
		return this.core;
	}

	ExecutorService events() {
		return this.events;
	}

	Outbox outbox() {
		return this.outbox;
	}

	/**
	 * Runs a task on the core thread right before each batch of requests leaves with a heartbeat
	 * among them; what the task sends leaves with the batch.
	 * @param task the task
	 */
	void beforeFlush(Runnable task) {
		this.outbox.beforeFlush = task;
	}

	/** Ends the core thread at once, and the event thread once it delivered what it holds (up to 5 seconds). */
	void shutdown() {
		this.core.shutdownNow();
		this.events.shutdown();
		try {
			this.events.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Collects requests on the core thread and sends those to one member together. */
	static final class Outbox {

		private final ScheduledThreadPoolExecutor core;

		private final RaftTransport transport;

		// Core thread only

		private final Map<String, List<Pending>> pending = new LinkedHashMap<>();

		private boolean flushScheduled;

		private Runnable beforeFlush = () -> {
		};

		Outbox(ScheduledThreadPoolExecutor core, RaftTransport transport) {
			this.core = core;
			this.transport = transport;
		}

		/**
		 * Queues a request, on the core thread, to leave once the current task is done.
		 * @param group the group that sends it
		 * @param request the request
		 * @param timeoutFactor as for {@link RaftTransport#send(Message, double)}
		 * @return completes with the reply as {@link RaftTransport#send(Message, double)} does
		 */
		CompletableFuture<Optional<Message>> send(String group, Message request, double timeoutFactor) {
			CompletableFuture<Optional<Message>> reply = new CompletableFuture<>();
			this.pending.computeIfAbsent(request.to(), (to) -> new ArrayList<>())
				.add(new Pending(new GroupRequest(group, request), timeoutFactor, reply));
			if (!this.flushScheduled) {
				try {
					this.core.execute(this::flush);
					this.flushScheduled = true;
				}
				catch (RejectedExecutionException ex) {
					// Stopped: nothing queued will leave.
					IllegalStateException stopped = new IllegalStateException("Raft member stopped", ex);
					this.pending.values().forEach((queued) -> queued.forEach((item) -> item.reply().completeExceptionally(stopped)));
					this.pending.clear();
				}
			}
			return reply;
		}

		private void flush() {
			boolean heartbeat = this.pending.values()
				.stream()
				.anyMatch((queued) -> queued.stream().anyMatch((item) -> item.request().request() instanceof AppendEntries));
			if (heartbeat) {
				// Still flagged as scheduled: what the task sends joins this batch.
				this.beforeFlush.run();
			}
			this.flushScheduled = false;
			List<List<Pending>> batches = new ArrayList<>(this.pending.values());
			this.pending.clear();
			for (List<Pending> batch : batches) {
				double factor = 1;
				List<GroupRequest> requests = new ArrayList<>(batch.size());
				for (Pending item : batch) {
					requests.add(item.request());
					factor = Math.max(factor, item.timeoutFactor());
				}
				List<CompletableFuture<Optional<Message>>> replies;
				try {
					replies = this.transport.sendTogether(requests, factor);
				}
				catch (RuntimeException ex) {
					batch.forEach((item) -> item.reply().completeExceptionally(ex));
					continue;
				}
				for (int i = 0; i < batch.size(); i++) {
					CompletableFuture<Optional<Message>> target = batch.get(i).reply();
					replies.get(i).whenComplete((reply, failure) -> {
						if (failure != null) {
							target.completeExceptionally(failure);
						}
						else {
							target.complete(reply);
						}
					});
				}
			}
		}

	}

	private record Pending(GroupRequest request, double timeoutFactor, CompletableFuture<Optional<Message>> reply) {
	}

}
