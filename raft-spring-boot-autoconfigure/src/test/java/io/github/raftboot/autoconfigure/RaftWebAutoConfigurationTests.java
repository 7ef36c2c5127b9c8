package io.github.raftboot.autoconfigure;

import java.nio.file.Path;

import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftRpcFilter;
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
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class RaftWebAutoConfigurationTests {

	@TempDir
	Path dataDir;

	private final AutoConfigurations configurations = AutoConfigurations.of(RaftAutoConfiguration.class,
			RaftWebAutoConfiguration.class);

	@Test
	void rpcFilterIsRegisteredFirstUnderTheBasePathInAServletWebApplication() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir, "raft.rpc.base-path=/internal/raft/")
			.run((context) -> {
				assertThat(context).hasSingleBean(RaftRpcFilter.class);
				assertThat(context).hasSingleBean(RaftServer.class);
				FilterRegistrationBean<?> registration = context.getBean("raftRpcFilterRegistration",
						FilterRegistrationBean.class);
				assertThat(registration.getFilter()).isSameAs(context.getBean(RaftRpcFilter.class));
				assertThat(registration.getUrlPatterns()).containsExactly("/internal/raft/*");
				assertThat(registration.getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE);
			});
	}

	@Test
	void noRpcFilterOutsideAWebApplication() {
		new ApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RaftRpcFilter.class);
				assertThat(context).doesNotHaveBean("raftRpcFilterRegistration");
			});
	}

	@Test
	void noRpcFilterWhenRaftIsDisabled() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RaftRpcFilter.class));
	}

	@Test
	void rpcFilterBacksOffWhenUserDefinesOne() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir)
			.withUserConfiguration(UserFilterConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(RaftRpcFilter.class);
				assertThat(context).hasBean("userFilter");
				assertThat(context.getBean("raftRpcFilterRegistration", FilterRegistrationBean.class).getFilter())
					.isSameAs(context.getBean("userFilter"));
			});
	}

	@Test
	void rpcFilterRequiresTheConfiguredTokenAndLimitsBodies() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("raft.data-dir=" + this.dataDir, "raft.security.token=s3cret",
					"raft.rpc.max-body-size=16KB")
			.run((context) -> {
				RaftRpcFilter filter = context.getBean(RaftRpcFilter.class);
				MockHttpServletRequest request = new MockHttpServletRequest("POST", "/raft/request-vote");
				request.setContentType("application/json");
				assertThat(call(filter, request).getStatus()).isEqualTo(401);
				request.addHeader("Authorization", "Bearer s3cret");
				request.addHeader("Content-Length", 16 * 1024 + 1);
				assertThat(call(filter, request).getStatus()).isEqualTo(413);
			});
	}

	private static MockHttpServletResponse call(RaftRpcFilter filter, MockHttpServletRequest request)
			throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request, response, chain);
		assertThat(chain.getRequest()).as("passed down the chain").isNull();
		return response;
	}

	@Test
	void warnsOnceThatAnyoneCanDisturbTheElectionWhenAClusterHasNoToken(CapturedOutput output) {
		threeMembers().run((context) -> {
			assertThat(context).hasSingleBean(RaftRpcFilter.class);
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
	static class UserFilterConfiguration {

		@Bean
		RaftRpcFilter userFilter(RaftServer server, io.github.raftboot.transport.RaftJson json) {
			return new RaftRpcFilter(server, json, java.time.Duration.ofMillis(50));
		}

	}

}
