package io.github.raftboot.sample.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;

import io.github.raftboot.test.CutLinks;
import io.github.raftboot.test.FaultInjectingTransport;
import io.github.raftboot.transport.HttpRaftTransport;
import io.github.raftboot.transport.RaftTransport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample replica as the demo launcher starts it, with
 * {@code sample.demo.fault-injection=true}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
		properties = "sample.demo.fault-injection=true")
class ReplicaInTheDemoTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private RaftTransport transport;

	@Autowired
	private CutLinks links;

	@DynamicPropertySource
	static void replica(DynamicPropertyRegistry registry) throws IOException {
		TestReplicas.isolatedReplica(registry, Files.createTempDirectory("replica-in-demo"));
	}

	@Test
	void wrapsTheRealTransport() {
		assertThat(this.transport).isInstanceOf(FaultInjectingTransport.class);
		assertThat(((FaultInjectingTransport) this.transport).getDelegate()).isInstanceOf(HttpRaftTransport.class);
	}

	@Test
	void cutsAndHealsLinksThroughItsEndpoint() throws Exception {
		try {
			HttpResponse<String> cut = send("POST", "/demo/faults/cut/n2");
			assertThat(cut.statusCode()).isEqualTo(200);
			assertThat(json.readTree(cut.body()).get("cut").toString()).isEqualTo("[\"n2\"]");
			assertThat(this.links.isCut("n1", "n2")).isTrue();
			assertThat(this.links.isCut("n1", "n3")).isFalse();

			JsonNode state = json.readTree(send("GET", "/demo/faults").body());
			assertThat(state.get("node").asString()).isEqualTo("n1");
			assertThat(state.get("cut").toString()).isEqualTo("[\"n2\"]");

			assertThat(send("POST", "/demo/faults/heal/n2").statusCode()).isEqualTo(200);
			assertThat(this.links.isCut("n1", "n2")).isFalse();
		}
		finally {
			this.links.healAll();
		}
	}

	@Test
	void healsEveryLinkAtOnce() throws Exception {
		this.links.cut("n1", "n2");
		this.links.cut("n1", "n3");
		HttpResponse<String> response = send("POST", "/demo/faults/heal");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json.readTree(response.body()).get("cut").toString()).isEqualTo("[]");
		assertThat(this.links.cutFrom("n1")).isEmpty();
	}

	@Test
	void rejectsAnUnknownPeer() throws Exception {
		HttpResponse<String> response = send("POST", "/demo/faults/cut/n9");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("'n9' is not another member");
		assertThat(this.links.cutFrom("n1")).isEmpty();
	}

	private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
	}

}
