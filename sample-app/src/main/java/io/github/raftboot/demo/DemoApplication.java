package io.github.raftboot.demo;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The demo launcher: serves the dashboard (on port 8080 by default) and runs the replicas as
 * child processes of the same jar. It takes no part in the election itself ({@code raft.enabled}
 * is {@code false} in the {@code demo} profile).
 *
 * <p>Its package lies outside {@code io.github.raftboot.sample}, so a replica never picks up
 * any of its beans, and it picks up none of the replica's.
 */
@SpringBootApplication
@EnableConfigurationProperties(DemoProperties.class)
public class DemoApplication {

	/** The argument that makes the sample's {@code main} start the demo instead of a replica. */
	public static final String DEMO_ARGUMENT = "--demo";

	public static void main(String[] args) {
		new SpringApplicationBuilder(DemoApplication.class).profiles("demo").run(args);
	}

}
