package io.github.raftboot.autoconfigure;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.raftboot.core.Message;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.RaftRpcFilter;
import io.github.raftboot.transport.RaftRpcWebFilter;
import io.github.raftboot.transport.RaftTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RaftStartupChecksAutoConfiguration.NoWebServerCheck}: an application that is
 * no web application cannot serve the RPCs, so with other members to talk to it does not start,
 * and says why and what to do.
 */
class NoWebServerCheckTests {

	@TempDir
	Path dataDir;

	private ApplicationContextRunner notWeb() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RaftAutoConfiguration.class, RaftWebAutoConfiguration.class,
					RaftReactiveWebAutoConfiguration.class, RaftStartupChecksAutoConfiguration.class))
			.withPropertyValues("raft.data-dir=" + this.dataDir);
	}

	private ApplicationContextRunner threeMembers() {
		return notWeb().withPropertyValues("raft.node-id=n1", "raft.peers.n1=http://127.0.0.1:18081",
				"raft.peers.n2=http://127.0.0.1:18082", "raft.peers.n3=http://127.0.0.1:18083");
	}

	@Test
	void failsWithAnAnalysisThatNamesTheWebStartersAndTheWayOut() {
		threeMembers().run((context) -> {
			FailureAnalysis analysis = analysis(context.getStartupFailure());
			assertThat(analysis.getDescription())
				.contains("Raft member 'n1' runs in an application without a web server")
				.contains("the other members of [n1, n2, n3] cannot send it their RPCs")
				.contains("which travel over the application's own HTTP port");
			assertThat(analysis.getAction()).contains("spring-boot-starter-webmvc")
				.contains("spring-boot-starter-webflux")
				.contains("spring.main.web-application-type=none")
				.contains("raft.enabled=false");
		});
	}

	@Test
	void failsEvenWhenBeansAreInitializedLazily() {
		threeMembers()
			.withInitializer((context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getAction())
				.contains("spring-boot-starter-webflux"));
	}

	@Test
	void aOneMemberClusterStartsWithoutAWebServerAndWithoutAnyWebClasses() {
		notWeb().withClassLoader(new FilteredClassLoader("org.springframework.web.", "org.springframework.http.",
				"jakarta.servlet.", "reactor."))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(RaftServer.class);
				assertThat(context).doesNotHaveBean(RaftRpcFilter.class).doesNotHaveBean(RaftRpcWebFilter.class);
			});
	}

	@Test
	void startsWhenRaftIsDisabled() {
		threeMembers().withPropertyValues("raft.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RaftServer.class));
	}

	@Test
	void startsWhenTheApplicationBringsItsOwnTransport() {
		RaftTransport own = (request) -> CompletableFuture.completedFuture(Optional.<Message>empty());
		threeMembers().withBean(RaftTransport.class, () -> own)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(RaftServer.class));
	}

	private static FailureAnalysis analysis(Throwable failure) {
		assertThat(failure).isNotNull();
		FailureAnalysis analysis = new RaftConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
		return analysis;
	}

}
