package io.github.raftboot.core;

/**
 * Durable storage for a node's {@link PersistentState}.
 *
 * <p>{@link #save(PersistentState)} returns only once the state is durable: a driver sends the
 * messages of a {@link Ready} only after saving its state, so a vote or an acknowledged entry is
 * never forgotten by a crash.
 */
public interface RaftStorage {

	/**
	 * Reads the last saved state.
	 * @return the saved state, or {@link PersistentState#empty()} if nothing was ever saved
	 * @throws StorageException if the stored state cannot be read or is corrupt; never silently
	 * resets to an empty state
	 */
	PersistentState load();

	/**
	 * Replaces the stored state, durably and atomically: after a crash, {@link #load()} returns
	 * either this state or the previous one, never a mixture.
	 * @param state the state to store
	 * @throws StorageException if the state could not be made durable
	 */
	void save(PersistentState state);

}
