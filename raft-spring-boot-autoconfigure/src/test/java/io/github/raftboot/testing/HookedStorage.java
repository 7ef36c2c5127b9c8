package io.github.raftboot.testing;

import java.util.function.Consumer;

import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.PersistentState;
import io.github.raftboot.core.RaftStorage;

/** Storage in memory with a hook before every save. */
public final class HookedStorage {

	private HookedStorage() {
	}

	/**
	 * An in-memory storage that hands every state it is asked to save to {@code beforeSave}
	 * first, on the saving (election) thread: a hook that blocks makes a slow or stuck disk, one
	 * that throws a failing disk, one that records sees what is saved when.
	 * @param beforeSave called with each state before it is saved
	 * @return the storage
	 */
	public static RaftStorage inMemory(Consumer<PersistentState> beforeSave) {
		InMemoryStorage memory = new InMemoryStorage();
		return new RaftStorage() {

			@Override
			public PersistentState load() {
				return memory.load();
			}

			@Override
			public void save(PersistentState state) {
				beforeSave.accept(state);
				memory.save(state);
			}

		};
	}

}
