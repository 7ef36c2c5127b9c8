package io.github.raftboot.autoconfigure;

import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.transport.RpcAuthentication;
import org.apache.commons.logging.Log;

/**
 * The warning that a member whose RPCs anyone can send logs once, whichever web server serves
 * them.
 */
final class UnauthenticatedRpcWarning {

	private UnauthenticatedRpcWarning() {
	}

	/**
	 * Warns if the RPCs of a cluster of several members are not authenticated.
	 * @param logger where to warn
	 * @param config the member's settings
	 * @param authentication how its RPCs are authenticated
	 */
	static void warnIfUnauthenticated(Log logger, RaftConfig config, RpcAuthentication authentication) {
		if (!authentication.isRequired() && config.members().size() > 1) {
			logger.warn("Raft RPCs are not authenticated: anyone who can reach this application's HTTP port can "
					+ "disturb the leader election of members " + config.members() + " (force elections, raise the "
					+ "term, depose the leader). Set raft.security.token (for example through the environment "
					+ "variable RAFT_SECURITY_TOKEN) to the same long random secret on every replica.");
		}
	}

}
