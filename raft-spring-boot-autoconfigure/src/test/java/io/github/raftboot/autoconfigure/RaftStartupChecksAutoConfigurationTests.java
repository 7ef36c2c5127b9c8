package io.github.raftboot.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.raftboot.runtime.RaftServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link RaftStartupChecksAutoConfiguration}: the own URL is compared with real web
 * servers on free ports.
 */
@ExtendWith(OutputCaptureExtension.class)
class RaftStartupChecksAutoConfigurationTests {

	@TempDir
	Path dataDir;

	private final AutoConfigurations configurations = AutoConfigurations.of(RaftAutoConfiguration.class,
			RaftStartupChecksAutoConfiguration.class);

	@Test
	void aServletApplicationChecksItsOwnUrlAgainstTheServletContextPath() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir)
			.run((context) -> assertThat(context).hasSingleBean(OwnUrlCheck.class)
				.hasBean("raftOwnUrlCheck")
				.doesNotHaveBean(RaftStartupChecksAutoConfiguration.NoWebServerCheck.class));
	}

	@Test
	void anApplicationWithoutWebServerHasNoUrlToCheck() {
		new ApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir)
			.run((context) -> assertThat(context).doesNotHaveBean(OwnUrlCheck.class)
				.hasSingleBean(RaftStartupChecksAutoConfiguration.NoWebServerCheck.class));
	}

	@Test
	void nothingIsCheckedWhenRaftIsDisabled() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(OwnUrlCheck.class)
				.doesNotHaveBean(RaftStartupChecksAutoConfiguration.NoWebServerCheck.class));
	}

	@Test
	void aReplicaWhoseOwnUrlNamesAnotherPortOfThisMachineFailsToStartWithAnAnalysis(CapturedOutput output) {
		SpringApplicationBuilder replica = replica("server.port=0", "raft.peers.n1=http://127.0.0.1:1",
				"raft.peers.n2=http://127.0.0.1:2");
		assertThatException().isThrownBy(replica::run)
			.havingRootCause()
			.isInstanceOf(RaftConfigurationException.class)
			.withMessageContaining("raft.peers.n1 is 'http://127.0.0.1:1'");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("this application's web server listens on port")
			.contains("not 1: the other members would send this replica's RPCs to the wrong port")
			.contains("Action:")
			.contains("Set raft.peers.n1 to http://127.0.0.1:")
			// It failed before the replica took part in an election
			.doesNotContain("Raft member 'n1' started");
	}

	@Test
	void aReplicaWhoseOwnUrlLacksTheContextPathFailsToStartWithAnAnalysis(CapturedOutput output) {
		int port = freePort();
		SpringApplicationBuilder replica = replica("server.port=" + port, "server.servlet.context-path=/orders",
				"raft.peers.n1=http://127.0.0.1:" + port, "raft.peers.n2=http://127.0.0.1:2");
		assertThatException().isThrownBy(replica::run)
			.havingRootCause()
			.isInstanceOf(RaftConfigurationException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("serves under the context path '/orders' (server.servlet.context-path)")
			.contains("Set raft.peers.n1 to http://127.0.0.1:" + port + "/orders on every replica");
	}

	@Test
	void aReplicaWhoseOwnUrlLeadsToItStarts(CapturedOutput output) {
		int port = freePort();
		try (ConfigurableApplicationContext context = replica("server.port=" + port,
				"server.servlet.context-path=/orders", "raft.peers.n1=http://127.0.0.1:" + port + "/orders/",
				"raft.peers.n2=http://127.0.0.1:2")
			.run()) {
			assertThat(context.getBean(RaftServer.class).isRunning()).isTrue();
			assertThat(output).doesNotContain("cannot check its own URL");
		}
	}

	@Test
	void aSeparateManagementServerIsNotMistakenForTheOneThatServesTheRpcs() {
		int port = freePort();
		try (ConfigurableApplicationContext context = replica("server.port=" + port, "management.server.port=0",
				"raft.peers.n1=http://127.0.0.1:" + port, "raft.peers.n2=http://127.0.0.1:2")
			.run()) {
			assertThat(context.getBean(RaftServer.class).isRunning()).isTrue();
			assertThat(((WebServerApplicationContext) context).getWebServer().getPort()).isEqualTo(port);
		}
	}

	@Test
	void aReplicaOfSeveralInAnApplicationWithoutWebServerFailsToStartWithAnAnalysis(CapturedOutput output) {
		SpringApplicationBuilder replica = replica(WebApplicationType.NONE, "raft.peers.n1=http://127.0.0.1:1",
				"raft.peers.n2=http://127.0.0.1:2");
		assertThatException().isThrownBy(replica::run)
			.havingRootCause()
			.isInstanceOf(RaftConfigurationException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Raft member 'n1' runs in an application without a web server",
					"the other members of [n1, n2] cannot send it their RPCs")
			.contains("Action:")
			.contains("add spring-boot-starter-webmvc (Spring MVC) or spring-boot-starter-webflux")
			.contains("set raft.enabled=false")
			.doesNotContain("Raft member 'n1' started");
	}

	@Test
	void aClusterOfOneNeedsNoWebServer(CapturedOutput output) {
		try (ConfigurableApplicationContext context = replica(WebApplicationType.NONE).run()) {
			assertThat(context.getBean(RaftServer.class).isRunning()).isTrue();
			assertThat(output).doesNotContain("without a web server");
		}
	}

	private SpringApplicationBuilder replica(String... properties) {
		return replica(WebApplicationType.SERVLET, properties);
	}

	private SpringApplicationBuilder replica(WebApplicationType type, String... properties) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("raft.node-id=n1");
		all.add("raft.data-dir=" + this.dataDir);
		all.add("server.address=127.0.0.1");
		all.add("spring.main.banner-mode=off");
		return new SpringApplicationBuilder(ReplicaApplication.class).web(type)
			.properties(all.toArray(String[]::new));
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ReplicaApplication {

	}

}
