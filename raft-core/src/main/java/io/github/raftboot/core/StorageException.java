package io.github.raftboot.core;

/** Thrown when a node's persistent state cannot be read or written. */
public class StorageException extends RuntimeException {

	public StorageException(String message) {
		super(message);
	}

	public StorageException(String message, Throwable cause) {
		super(message, cause);
	}

}
