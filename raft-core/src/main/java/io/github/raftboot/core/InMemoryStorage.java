package io.github.raftboot.core;

import java.util.Objects;

/**
 * A {@link RaftStorage} that keeps the state in memory: it survives a restart of the
 * {@link RaftNode} that uses it, not of the process. For tests and simulations.
 */
public final class InMemoryStorage implements RaftStorage {

	private volatile PersistentState state = PersistentState.empty();

	private volatile int saves;

	@Override
	public PersistentState load() {
		return this.state;
	}

	@Override
	public void save(PersistentState state) {
		this.state = Objects.requireNonNull(state, "state");
		this.saves++;
	}

	/** How many times {@link #save(PersistentState)} was called. */
	public int saveCount() {
		return this.saves;
	}

}
