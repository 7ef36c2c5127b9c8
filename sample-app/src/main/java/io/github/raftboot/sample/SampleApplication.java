package io.github.raftboot.sample;

import java.util.Arrays;

import io.github.raftboot.demo.DemoApplication;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * One replica of a service whose replicas elect a leader with Raft. Run three with different
 * {@code server.port}, {@code raft.node-id} and the same {@code raft.peers}.
 *
 * <p>With {@code --demo} as an argument, starts the demo launcher instead
 * ({@link DemoApplication}): a dashboard on port 8080 that runs three replicas of this jar.
 */
@SpringBootApplication
@EnableScheduling
@ConfigurationPropertiesScan
public class SampleApplication {

	public static void main(String[] args) {
		if (Arrays.asList(args).contains(DemoApplication.DEMO_ARGUMENT)) {
			DemoApplication.main(Arrays.stream(args).filter((arg) -> !DemoApplication.DEMO_ARGUMENT.equals(arg))
				.toArray(String[]::new));
			return;
		}
		SpringApplication.run(SampleApplication.class, args);
	}

}
