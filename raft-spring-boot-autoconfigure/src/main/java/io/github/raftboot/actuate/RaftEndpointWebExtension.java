package io.github.raftboot.actuate;

import java.util.Objects;

import io.github.raftboot.actuate.RaftEndpoint.MembershipChangeDescriptor;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link RaftEndpoint}: over HTTP, a
 * {@code POST} or {@code DELETE} to {@code /actuator/raft/{segment}/{id}} with another segment
 * than {@code members} is answered {@code 404 Not Found}, where the endpoint's own answer,
 * {@code null}, would be a {@code 204 No Content} that looks like success. Every other
 * operation, and every answer about members, is the endpoint's.
 */
@EndpointWebExtension(endpoint = RaftEndpoint.class)
public class RaftEndpointWebExtension {

	private final RaftEndpoint endpoint;

	/**
	 * Creates an extension.
	 * @param endpoint the endpoint it extends
	 */
	public RaftEndpointWebExtension(RaftEndpoint endpoint) {
		this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
	}

	/**
	 * Adds a member, see {@link RaftEndpoint#addMember(String, String, String)}.
	 * @param members the path segment {@code members}
	 * @param id the member's id
	 * @param url its base URL
	 * @return the outcome, or {@code 404} for another path than {@code members}
	 */
	@WriteOperation
	public WebEndpointResponse<MembershipChangeDescriptor> addMember(@Selector String members, @Selector String id,
			@Nullable String url) {
		return response(this.endpoint.addMember(members, id, url));
	}

	/**
	 * Removes a member, see {@link RaftEndpoint#removeMember(String, String)}.
	 * @param members the path segment {@code members}
	 * @param id the member's id
	 * @return the outcome, or {@code 404} for another path than {@code members}
	 */
	@DeleteOperation
	public WebEndpointResponse<MembershipChangeDescriptor> removeMember(@Selector String members,
			@Selector String id) {
		return response(this.endpoint.removeMember(members, id));
	}

	private static WebEndpointResponse<MembershipChangeDescriptor> response(
			@Nullable MembershipChangeDescriptor change) {
		return (change != null) ? new WebEndpointResponse<>(change)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
