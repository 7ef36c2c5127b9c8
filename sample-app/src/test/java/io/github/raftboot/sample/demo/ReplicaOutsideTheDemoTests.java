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

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample replica with its default settings, as anyone runs it outside the demo: no fault
 * injection at all.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class ReplicaOutsideTheDemoTests {

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private RaftTransport transport;

	@DynamicPropertySource
	static void replica(DynamicPropertyRegistry registry) throws IOException {
		TestReplicas.isolatedReplica(registry, Files.createTempDirectory("replica-outside-demo"));
	}

	@Test
	void transportIsTheRealOneUnwrapped() {
		assertThat(this.transport).isInstanceOf(HttpRaftTransport.class);
		assertThat(this.context.getBeansOfType(FaultInjectingTransport.class)).isEmpty();
	}

	@Test
	void hasNoneOfTheDemoBeans() {
		assertThat(this.context.getBeansOfType(CutLinks.class)).isEmpty();
		assertThat(this.context.getBeansOfType(DemoFaultInjectionConfiguration.class)).isEmpty();
		assertThat(this.context.getBeansOfType(ParentProcessWatcher.class)).isEmpty();
	}

	@Test
	void servesNoFaultEndpoints() throws Exception {
		assertThat(status("GET", "/demo/faults")).isEqualTo(404);
		assertThat(status("POST", "/demo/faults/cut/n2")).isEqualTo(404);
		assertThat(status("POST", "/demo/faults/heal")).isEqualTo(404);
	}

	private int status(String method, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

}
