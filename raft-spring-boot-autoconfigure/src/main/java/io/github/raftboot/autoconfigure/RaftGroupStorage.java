package io.github.raftboot.autoconfigure;

import io.github.raftboot.core.RaftStorage;

/**
 * Where the election groups of {@code raft.groups} keep their state, one {@link RaftStorage} per
 * group; by default a directory per group under {@code raft.data-dir}. Define a bean of this type
 * to keep it elsewhere, as with the default group's {@link RaftStorage}.
 */
@FunctionalInterface
public interface RaftGroupStorage {

	/**
	 * The storage of one group, asked once per group at startup.
	 * @param group a name of {@code raft.groups}
	 * @return its storage, which no other group shares
	 */
	RaftStorage forGroup(String group);

}
