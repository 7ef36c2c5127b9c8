package io.github.raftboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftJson;
import io.github.raftboot.transport.RaftRpcFilter;
import io.github.raftboot.transport.RaftRpcWebFilter;
import io.github.raftboot.transport.RpcAuthentication;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class RaftReactiveWebAutoConfigurationTests {

	@TempDir
	Path dataDir;

	private final AutoConfigurations configurations = AutoConfigurations.of(RaftAutoConfiguration.class,
			RaftWebAutoConfiguration.class, RaftReactiveWebAutoConfiguration.class);

	private ReactiveWebApplicationContextRunner reactive() {
		return new ReactiveWebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir);
	}

	private ReactiveWebApplicationContextRunner threeMembers() {
		return reactive().withPropertyValues("raft.node-id=n1", "raft.peers.n1=http://127.0.0.1:18081",
				"raft.peers.n2=http://127.0.0.1:18082", "raft.peers.n3=http://127.0.0.1:18083");
	}

	@Test
	void rpcWebFilterServesTheRpcsFirstInAReactiveWebApplication() {
		threeMembers().withPropertyValues("raft.security.token=s3cret").run((context) -> {
			assertThat(context).hasSingleBean(RaftRpcWebFilter.class);
			assertThat(context).hasSingleBean(RaftServer.class);
			assertThat(context).doesNotHaveBean(RaftRpcFilter.class);
			assertThat(context).doesNotHaveBean("raftRpcFilterRegistration");
			assertThat(context.getBean(RaftRpcWebFilter.class).getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE);
		});
	}

	@Test
	void rpcWebFilterRequiresTheConfiguredTokenAndLimitsBodiesUnderTheBasePath() {
		reactive().withPropertyValues("raft.security.token=s3cret", "raft.rpc.max-body-size=16KB",
				"raft.rpc.base-path=/internal/raft/")
			.run((context) -> {
				WebTestClient client = WebTestClient.bindToWebHandler((exchange) -> {
					exchange.getResponse().setStatusCode(HttpStatus.I_AM_A_TEAPOT);
					return exchange.getResponse().setComplete();
				}).webFilter(context.getBean(RaftRpcWebFilter.class)).build();
				client.post()
					.uri("/internal/raft/request-vote")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{}")
					.exchange()
					.expectStatus()
					.isUnauthorized();
				client.post()
					.uri("/internal/raft/request-vote")
					.header(HttpHeaders.AUTHORIZATION, "Bearer s3cret")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(new byte[16 * 1024 + 1])
					.exchange()
					.expectStatus()
					.isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
				client.post().uri("/raft/request-vote").exchange().expectStatus().isEqualTo(HttpStatus.I_AM_A_TEAPOT);
			});
	}

	@Test
	void startsWithoutTheServletApiOnTheClassPath() {
		threeMembers().withClassLoader(new FilteredClassLoader("jakarta.servlet."))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(RaftRpcWebFilter.class);
			});
	}

	@Test
	void aServletWebApplicationGetsTheServletFilterOnly() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir)
			.run((context) -> {
				assertThat(context).hasSingleBean(RaftRpcFilter.class);
				assertThat(context).doesNotHaveBean(RaftRpcWebFilter.class);
				assertThat(context).doesNotHaveBean(ObservationPredicate.class);
			});
	}

	@Test
	void aServletWebApplicationStartsWithoutWebFluxAndReactorOnTheClassPath() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir)
			.withClassLoader(new FilteredClassLoader("reactor.", "org.springframework.web.reactive."))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(RaftRpcFilter.class);
			});
	}

	@Test
	void noRpcWebFilterWhenRaftIsDisabled() {
		threeMembers().withPropertyValues("raft.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RaftRpcWebFilter.class));
	}

	@Test
	void rpcWebFilterBacksOffWhenTheApplicationDefinesOne() {
		reactive().withUserConfiguration(UserWebFilterConfiguration.class)
			.run((context) -> assertThat(context).getBeans(RaftRpcWebFilter.class).containsOnlyKeys("userFilter"));
	}

	@Test
	void keepsTheRpcsOutOfTheServerRequestObservations() {
		reactive().withPropertyValues("raft.rpc.base-path=/internal/raft").run((context) -> {
			ObservationPredicate predicate = context.getBean("raftRpcObservationPredicate", ObservationPredicate.class);
			assertThat(predicate.test("http.server.requests", observation("/internal/raft/append-entries"))).isFalse();
			assertThat(predicate.test("http.server.requests", observation("/internal/raft/unknown"))).isTrue();
			assertThat(predicate.test("http.server.requests", observation("/orders"))).isTrue();
			assertThat(predicate.test("http.client.requests", new Observation.Context()))
				.isTrue();
		});
	}

	private static ServerRequestObservationContext observation(String path) {
		return new ServerRequestObservationContext(MockServerHttpRequest.post(path).build(),
				new MockServerHttpResponse(), Map.of());
	}

	@Test
	void warnsOnceThatAnyoneCanDisturbTheElectionWhenAClusterHasNoToken(CapturedOutput output) {
		threeMembers().run((context) -> {
			assertThat(context).hasSingleBean(RaftRpcWebFilter.class);
			assertThat(output.getOut().lines().filter((line) -> line.contains(" WARN ")).toList()).singleElement()
				.asString()
				.contains("Raft RPCs are not authenticated")
				.contains("Set raft.security.token");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserWebFilterConfiguration {

		@Bean
		RaftRpcWebFilter userFilter(RaftServer server, RaftJson json) {
			return new RaftRpcWebFilter(server, json, Duration.ofMillis(50), RpcAuthentication.none(),
					DataSize.ofKilobytes(1), "/raft");
		}

	}

}
