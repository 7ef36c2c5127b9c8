package io.github.raftboot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.github.raftboot.autoconfigure.RaftAutoConfiguration;
import io.github.raftboot.autoconfigure.RaftRpcMetricsAutoConfiguration;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Replaces the application's Raft replica, in a {@code @SpringBootTest} or a test slice, with a
 * {@link TestRaftLeadership} bean that the test injects and flips: no Raft server, no transport,
 * no storage, no threads, no RPCs to serve, so the test needs no web server, no
 * {@code raft.peers} and no {@code raft.enabled=false}.
 *
 * <p>{@code @OnLeader} methods and {@code @OnLeader}
 * {@link org.springframework.context.SmartLifecycle} beans follow the test leadership, as do the
 * Actuator endpoint and health indicator when the test has them; the application's listeners get
 * its events. The replica starts as a follower that knows no leader, with the id of
 * {@code raft.node-id} (or {@code raft}), and is {@linkplain TestRaftLeadership#reset() reset}
 * after every test method, keeping its term. An application's own {@code RaftLeadership} bean
 * replaces it, and is not reset.
 *
 * <pre class="code">
 * &#64;SpringBootTest(webEnvironment = WebEnvironment.NONE)
 * &#64;AutoConfigureTestRaftLeadership
 * class ReportSchedulerTests {
 *
 *     &#64;Autowired
 *     TestRaftLeadership leadership;
 *
 *     &#64;Test
 *     void runsOnlyOnTheLeader() {
 *         leadership.grant();
 *         ...
 *     }
 * }
 * </pre>
 *
 * <p>{@code raft.enabled=false} turns {@code @OnLeader} off, and is refused with this annotation.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration(exclude = { RaftAutoConfiguration.class, RaftRpcMetricsAutoConfiguration.class })
public @interface AutoConfigureTestRaftLeadership {

}
