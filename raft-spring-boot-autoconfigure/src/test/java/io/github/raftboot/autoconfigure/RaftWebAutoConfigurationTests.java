package io.github.raftboot.autoconfigure;

import java.io.InputStream;
import java.nio.file.Path;

import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftRpcController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.DispatcherServlet;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class RaftWebAutoConfigurationTests {

	@TempDir
	Path dataDir;

	private final AutoConfigurations configurations = AutoConfigurations.of(RaftAutoConfiguration.class,
			RaftWebAutoConfiguration.class);

	@Test
	void rpcControllerIsRegisteredInAServletWebApplication() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir)
			.run((context) -> {
				assertThat(context).hasSingleBean(RaftRpcController.class);
				assertThat(context).hasSingleBean(RaftServer.class);
			});
	}

	@Test
	void noRpcControllerOutsideAWebApplication() {
		new ApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir)
			.run((context) -> assertThat(context).doesNotHaveBean(RaftRpcController.class));
	}

	@Test
	void noRpcControllerWithoutSpringMvcOnTheClassPath() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.withPropertyValues("raft.data-dir=" + this.dataDir)
			.run((context) -> assertThat(context).doesNotHaveBean(RaftRpcController.class));
	}

	@Test
	void noRpcControllerWhenRaftIsDisabled() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RaftRpcController.class));
	}

	@Test
	void rpcControllerBacksOffWhenUserDefinesOne() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir)
			.withUserConfiguration(UserControllerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(RaftRpcController.class);
				assertThat(context).hasBean("userController");
			});
	}

	@Test
	void rpcControllerRequiresTheConfiguredTokenAndLimitsBodies() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir, "raft.security.token=s3cret",
					"raft.rpc.max-body-size=16KB")
			.run((context) -> {
				RaftRpcController controller = context.getBean(RaftRpcController.class);
				HttpHeaders headers = new HttpHeaders();
				headers.setContentType(MediaType.APPLICATION_JSON);
				assertThat(controller.requestVote(headers, InputStream.nullInputStream()).join().getStatusCode().value())
					.isEqualTo(401);
				headers.setBearerAuth("s3cret");
				headers.setContentLength(16 * 1024 + 1);
				assertThat(controller.requestVote(headers, InputStream.nullInputStream()).join().getStatusCode().value())
					.isEqualTo(413);
			});
	}

	@Test
	void warnsOnceThatAnyoneCanDisturbTheElectionWhenAClusterHasNoToken(CapturedOutput output) {
		threeMembers().run((context) -> {
			assertThat(context).hasSingleBean(RaftRpcController.class);
			assertThat(output.getOut().lines().filter((line) -> line.contains(" WARN ")).toList()).singleElement()
				.asString()
				.contains("Raft RPCs are not authenticated")
				.contains("anyone who can reach this application's HTTP port can disturb the leader election")
				.contains("Set raft.security.token");
		});
	}

	@Test
	void doesNotWarnWhenAClusterHasAToken(CapturedOutput output) {
		threeMembers().withPropertyValues("raft.security.token=s3cret")
			.run((context) -> assertThat(output.getOut()).doesNotContain("not authenticated"));
	}

	@Test
	void doesNotWarnForAOneMemberCluster(CapturedOutput output) {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir)
			.run((context) -> assertThat(output.getOut()).doesNotContain("not authenticated"));
	}

	private WebApplicationContextRunner threeMembers() {
		return new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir, "raft.node-id=n1",
					"raft.peers.n1=http://127.0.0.1:18081", "raft.peers.n2=http://127.0.0.1:18082",
					"raft.peers.n3=http://127.0.0.1:18083");
	}

	@Configuration(proxyBeanMethods = false)
	static class UserControllerConfiguration {

		@Bean
		RaftRpcController userController(RaftServer server, io.github.raftboot.transport.RaftJson json) {
			return new RaftRpcController(server, json, java.time.Duration.ofMillis(50));
		}

	}

}
