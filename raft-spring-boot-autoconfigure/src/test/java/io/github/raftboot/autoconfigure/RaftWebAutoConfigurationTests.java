package io.github.raftboot.autoconfigure;

import java.nio.file.Path;

import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftRpcController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;

import static org.assertj.core.api.Assertions.assertThat;

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

	@Configuration(proxyBeanMethods = false)
	static class UserControllerConfiguration {

		@Bean
		RaftRpcController userController(RaftServer server, io.github.raftboot.transport.RaftJson json) {
			return new RaftRpcController(server, json, java.time.Duration.ofMillis(50));
		}

	}

}
