package io.github.raftboot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.raftboot.core.AppendEntries;
import io.github.raftboot.core.EntryType;
import io.github.raftboot.core.InMemoryStorage;
import io.github.raftboot.core.LogEntry;
import io.github.raftboot.core.Membership;
import io.github.raftboot.core.Message;
import io.github.raftboot.core.RaftConfig;
import io.github.raftboot.core.RaftStorage;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.runtime.RaftServer;
import io.github.raftboot.transport.HttpRaftTransport;
import io.github.raftboot.transport.RaftJson;
import io.github.raftboot.transport.RaftTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class RaftAutoConfigurationTests {

	@TempDir
	Path dataDir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RaftAutoConfiguration.class))
			.withPropertyValues("raft.data-dir=" + this.dataDir);
	}

	private ApplicationContextRunner threeMembers() {
		return runner().withPropertyValues("raft.node-id=n1", "raft.peers.n1=http://127.0.0.1:18081",
				"raft.peers.n2=http://127.0.0.1:18082", "raft.peers.n3=http://127.0.0.1:18083");
	}

	@Test
	void oneMemberClusterWithoutPeersLeadsAtOnce() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(RaftServer.class);
			RaftLeadership leadership = context.getBean(RaftLeadership.class);
			assertThat(leadership.awaitLeadership(Duration.ofSeconds(2))).isTrue();
			assertThat(leadership.fencingToken()).hasValue(leadership.currentTerm());
		});
	}

	@Test
	void threeMemberClusterUsesTheHttpTransportAndFileStorage() {
		threeMembers().run((context) -> {
			assertThat(context).hasSingleBean(HttpRaftTransport.class);
			assertThat(context.getBean(RaftConfig.class).members()).containsExactlyInAnyOrder("n1", "n2", "n3");
			assertThat(context.getBean(RaftServer.class).isLeader()).isFalse();
			assertThat(this.dataDir).isDirectory();
		});
	}

	@Test
	void nodeIdMissingFromPeersFailsWithAnAnalysisThatAsksForItsOwnEntry() {
		runner().withPropertyValues("raft.node-id=n1", "raft.peers.n2=http://127.0.0.1:18082",
				"raft.peers.n3=http://127.0.0.1:18083")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("raft.node-id is 'n1', but raft.peers lists only [n2, n3]");
				assertThat(analysis.getAction()).contains("raft.peers.n1=http://<its host>:<its port>");
			});
	}

	@Test
	void everyMemberOfPeersIsProposedWithItsUrl() {
		threeMembers().run((context) -> {
			RaftConfig config = context.getBean(RaftConfig.class);
			assertThat(config.members()).containsExactlyInAnyOrder("n1", "n2", "n3");
			assertThat(config.addresses()).containsEntry("n2", "http://127.0.0.1:18082");
		});
	}

	@Test
	void adaptiveTimingIsOnWithAOneSecondCeilingAndAFiveMinuteQuietPeriodByDefault() {
		threeMembers().run((context) -> {
			RaftConfig config = context.getBean(RaftConfig.class);
			assertThat(config.adaptiveTiming()).isTrue();
			assertThat(config.timingCeiling()).isEqualTo(Duration.ofSeconds(1));
			assertThat(config.timingQuietPeriod()).isEqualTo(Duration.ofMinutes(5));
		});
	}

	@Test
	void adaptiveTimingFollowsItsProperties() {
		threeMembers()
			.withPropertyValues("raft.timing.adaptive=false", "raft.timing.ceiling=3s", "raft.timing.quiet-period=1m")
			.run((context) -> {
				RaftConfig config = context.getBean(RaftConfig.class);
				assertThat(config.adaptiveTiming()).isFalse();
				assertThat(config.timingCeiling()).isEqualTo(Duration.ofSeconds(3));
				assertThat(config.timingQuietPeriod()).isEqualTo(Duration.ofMinutes(1));
			});
	}

	@Test
	void timingCeilingBelowTheMaximumElectionTimeoutFailsWithAnAnalysis() {
		threeMembers().withPropertyValues("raft.election-timeout-max=600ms", "raft.timing.ceiling=500ms")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("raft.timing.ceiling (500ms) must lie from raft.election-timeout-max (600ms) to 1h");
				assertThat(analysis.getAction()).contains("raft.timing.adaptive=false");
			});
	}

	@Test
	void memberWithPeersStartsAWarmUpOfItsElectionCodeInTheBackground() {
		threeMembers().run((context) -> {
			assertThat(context).hasSingleBean(ElectionWarmUpLifecycle.class);
			assertThat(context.getBean(ElectionWarmUpLifecycle.class).isRunning()).isTrue();
		});
	}

	@Test
	void warmUpIsOffWhenDisabled() {
		threeMembers().withPropertyValues("raft.warm-up.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ElectionWarmUpLifecycle.class));
	}

	@Test
	void oneMemberClusterRunsNoWarmUp() {
		runner().run((context) -> assertThat(context.getBean(ElectionWarmUpLifecycle.class).isRunning()).isFalse());
	}

	@Test
	void nothingIsConfiguredWhenDisabled() {
		threeMembers().withPropertyValues("raft.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(RaftServer.class);
			assertThat(context).doesNotHaveBean(RaftTransport.class);
		});
	}

	@Test
	void serverBacksOffWhenUserDefinesOne() {
		runner().withUserConfiguration(UserServerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(RaftServer.class);
			assertThat(context.getBean(RaftServer.class)).isSameAs(context.getBean("userServer"));
		});
	}

	@Test
	void transportAndStorageBackOffWhenUserDefinesThem() {
		threeMembers().withUserConfiguration(UserTransportAndStorageConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(HttpRaftTransport.class);
			assertThat(context.getBean(RaftStorage.class)).isInstanceOf(InMemoryStorage.class);
			assertThat(context).hasSingleBean(RaftServer.class);
		});
	}

	@Test
	void missingNodeIdWithPeersFailsWithAnAnalysis() {
		runner().withPropertyValues("raft.peers.n1=http://127.0.0.1:18081", "raft.peers.n2=http://127.0.0.1:18082")
			.run((context) -> assertThat(analysis(context.getStartupFailure())).satisfies((analysis) -> {
				assertThat(analysis.getDescription()).contains("raft.node-id is not set");
				assertThat(analysis.getAction()).contains("Set raft.node-id");
			}));
	}

	@Test
	void minimumElectionTimeoutNotBelowMaximumFailsWithAnAnalysis() {
		threeMembers().withPropertyValues("raft.election-timeout-min=300ms", "raft.election-timeout-max=300ms")
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("raft.election-timeout-min (300ms) must be less than raft.election-timeout-max (300ms)"));
	}

	@Test
	void heartbeatNotWellBelowTheElectionTimeoutFailsWithAnAnalysis() {
		threeMembers().withPropertyValues("raft.heartbeat-interval=100ms")
			.run((context) -> assertThat(analysis(context.getStartupFailure())).satisfies((analysis) -> {
				assertThat(analysis.getDescription()).contains("raft.heartbeat-interval (100ms) is not well below");
				assertThat(analysis.getAction()).contains("at most 67ms");
			}));
	}

	@Test
	void negativeKeepWarmIntervalFailsWithAnAnalysis() {
		threeMembers().withPropertyValues("raft.rpc.keep-warm-interval=-1s")
			.run((context) -> assertThat(analysis(context.getStartupFailure())).satisfies((analysis) -> {
				assertThat(analysis.getDescription()).contains("raft.rpc.keep-warm-interval is PT-1S, which is negative");
				assertThat(analysis.getAction()).contains("or to 0 to send no keep-warm requests");
			}));
	}

	@Test
	void zeroKeepWarmIntervalStartsWithoutKeepWarmRequests() {
		threeMembers().withPropertyValues("raft.rpc.keep-warm-interval=0")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(RaftTransport.class));
	}

	@Test
	void duplicateUrlsFailWithAnAnalysis() {
		runner().withPropertyValues("raft.node-id=n1", "raft.peers.n1=http://127.0.0.1:18081",
				"raft.peers.n2=http://127.0.0.1:18081/")
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("have the same URL"));
	}

	@Test
	void nonHttpUrlFailsWithAnAnalysis() {
		runner().withPropertyValues("raft.node-id=n1", "raft.peers.n2=ftp://host:21")
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("raft.peers.n2 is 'ftp://host:21', which is not an absolute http or https URL"));
	}

	@Test
	void unwritableDataDirectoryFailsWithAnAnalysis() throws Exception {
		Path file = Files.createFile(this.dataDir.resolve("not-a-directory"));
		runner().withPropertyValues("raft.data-dir=" + file)
			.run((context) -> assertThat(analysis(context.getStartupFailure())).satisfies((analysis) -> {
				assertThat(analysis.getDescription()).contains(file.toString());
				assertThat(analysis.getAction()).contains("raft.data-dir");
			}));
	}

	@Test
	void corruptStateFileStopsStartupAndNamesTheFile() throws Exception {
		Files.writeString(this.dataDir.resolve("raft-state.bin"), "garbage");
		runner().run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("raft-state.bin");
		});
	}

	@Test
	void sslBundleThatDoesNotExistFailsWithAnAnalysisNamingTheKnownBundles() {
		threeMembers().withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues("raft.rpc.ssl.bundle=raft-tls")
			.run((context) -> assertThat(analysis(context.getStartupFailure())).satisfies((analysis) -> {
				assertThat(analysis.getDescription())
					.isEqualTo("raft.rpc.ssl.bundle is 'raft-tls', but there is no SSL bundle of that name (the bundles are [])." );
				assertThat(analysis.getAction()).contains("spring.ssl.bundle.jks.raft-tls", "spring.ssl.bundle.pem.raft-tls");
			}));
	}

	@Test
	void sslBundleWithoutAnySslBundlesFailsWithAnAnalysis() {
		threeMembers().withPropertyValues("raft.rpc.ssl.bundle=raft-tls")
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("raft.rpc.ssl.bundle is 'raft-tls', but this application has no SSL bundles"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "raft.security.token=", "raft.security.token=has space",
			"raft.security.token=t\u00f6ken" })
	void invalidTokenFailsWithAnAnalysisThatDoesNotRepeatIt(String property) {
		threeMembers().withPropertyValues(property)
			.run((context) -> assertThat(analysis(context.getStartupFailure())).satisfies((analysis) -> {
				assertThat(analysis.getDescription()).startsWith("Invalid raft.security.token: it must");
				assertThat(analysis.getDescription()).doesNotContain("has space", "t\u00f6ken");
				assertThat(analysis.getAction()).contains("openssl rand -base64 32");
			}));
	}

	@Test
	void previousTokenWithoutATokenFailsWithAnAnalysis() {
		threeMembers().withPropertyValues("raft.security.previous-token=old-secret")
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("raft.security.previous-token is set but raft.security.token is not"));
	}

	@Test
	void tokenIsValidatedAndNeverShownInTheSettings() {
		threeMembers().withPropertyValues("raft.security.token=s3cret", "raft.security.previous-token=0ld")
			.run((context) -> {
				RaftSettings settings = context.getBean(RaftSettings.class);
				assertThat(settings.authentication().isRequired()).isTrue();
				assertThat(settings.authentication().isAuthorized("Bearer 0ld")).isTrue();
				assertThat(settings.toString()).doesNotContain("s3cret", "0ld");
				assertThat(context.getBean(RaftProperties.class).getSecurity().toString()).doesNotContain("s3cret");
			});
	}

	@Test
	void bodySizeLimitTooSmallForTheLargestMessageFailsWithAnAnalysisNamingTheMinimum() {
		threeMembers().withPropertyValues("raft.rpc.max-body-size=1KB")
			.run((context) -> assertThat(analysis(context.getStartupFailure())).satisfies((analysis) -> {
				assertThat(analysis.getDescription()).contains("raft.rpc.max-body-size is 1024B")
					.contains("an AppendEntries with 64 entries, 4 of them configurations or timings, and a base "
							+ "configuration, each of the 3 members with their URLs");
				assertThat(analysis.getAction()).containsPattern("at least \\d{4,5}B");
			}));
	}

	@Test
	void bodySizeLimitNamesTheSizeOfTheLargestMessageWithConfigurationsOfAllMembers() {
		int needed = neededBodySize(threeMembers());
		threeMembers().withPropertyValues("raft.rpc.max-body-size=" + needed + "B")
			.run((context) -> assertThat(context).hasNotFailed());
		threeMembers().withPropertyValues("raft.rpc.max-body-size=" + (needed - 1) + "B")
			.run((context) -> assertThat(context).hasFailed());
		// The messages that RaftNode may send: at most 64 entries, at most 4 of them configurations,
		// and a base configuration when it sends the log from its start
		Map<String, String> urls = Map.of("n1", "http://127.0.0.1:18081", "n2", "http://127.0.0.1:18082", "n3",
				"http://127.0.0.1:18083");
		Membership joint = new Membership(Membership.clusterIdOf(urls), urls.keySet(), urls.keySet(), Set.of(), urls);
		long max = Message.MAX_VALUE;
		RaftJson json = new RaftJson();
		AppendEntries fromTheStart = new AppendEntries("n1", "n2", max, 0, 0, entries(1, max, joint), max, max, joint);
		AppendEntries fromTheEnd = new AppendEntries("n1", "n2", max, max - 64, max, entries(max - 63, max, joint), max,
				max);
		assertThat(needed).isGreaterThanOrEqualTo(json.write(fromTheStart).length)
			.isGreaterThanOrEqualTo(json.write(fromTheEnd).length);
	}

	@Test
	void defaultBodySizeLimitHoldsTheLargestMessageOfSevenMembersWithTypicalUrls() {
		ApplicationContextRunner sevenMembers = runner().withPropertyValues("raft.node-id=orders-0");
		for (int i = 0; i < 7; i++) {
			sevenMembers = sevenMembers.withPropertyValues(
					"raft.peers.orders-" + i + "=https://orders-" + i + ".orders.shop.svc.cluster.local:8443/orders");
		}
		sevenMembers.run((context) -> assertThat(context).hasNotFailed());
		assertThat(neededBodySize(sevenMembers)).isLessThan(64 * 1024);
	}

	@Test
	void bodySizeLimitCountsTheUrlsOfTheMembersInEveryConfiguration() {
		ApplicationContextRunner longUrls = runner().withPropertyValues("raft.node-id=n0");
		for (int i = 0; i < 7; i++) {
			longUrls = longUrls
				.withPropertyValues("raft.peers.n" + i + "=http://10.0.0." + i + ":8080/" + "p".repeat(2500));
		}
		longUrls.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
			.contains("raft.rpc.max-body-size is 65536B"));
	}

	@Test
	void defaultBodySizeLimitHoldsTheLargestMessageOfAClusterWithLongIds() {
		String longId = "a".repeat(200);
		runner().withPropertyValues("raft.node-id=" + longId, "raft.peers." + longId + "=http://127.0.0.1:18081",
				"raft.peers.b=http://127.0.0.1:18082")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/** The body size limit that the failure analysis of these settings asks for. */
	private static int neededBodySize(ApplicationContextRunner runner) {
		int[] needed = new int[1];
		runner.withPropertyValues("raft.rpc.max-body-size=1B").run((context) -> {
			Matcher size = Pattern.compile("at least (\\d+)B")
				.matcher(analysis(context.getStartupFailure()).getAction());
			assertThat(size.find()).isTrue();
			needed[0] = Integer.parseInt(size.group(1));
		});
		return needed[0];
	}

	/** 64 entries of the highest term from {@code first}: 60 without data, then 4 configurations. */
	private static List<LogEntry> entries(long first, long term, Membership membership) {
		List<LogEntry> entries = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			entries.add((i < 60) ? new LogEntry(first + i, term, EntryType.NOOP)
					: LogEntry.config(first + i, term, membership));
		}
		return entries;
	}

	private static FailureAnalysis analysis(Throwable failure) {
		assertThat(failure).isNotNull();
		FailureAnalysis analysis = new RaftConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserServerConfiguration {

		@Bean
		RaftServer userServer() {
			return new RaftServer(RaftConfig.builder("mine", java.util.List.of("mine")).build(), new InMemoryStorage(),
					(request) -> new CompletableFuture<>(), (event) -> {
					});
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTransportAndStorageConfiguration {

		@Bean
		RaftTransport userTransport() {
			return (request) -> CompletableFuture.<Optional<Message>>completedFuture(Optional.empty());
		}

		@Bean
		RaftStorage userStorage() {
			return new InMemoryStorage();
		}

	}

}
