package io.github.raftboot.demo;

import java.util.stream.Collectors;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The demo's cluster and the line that tells where to look.
 */
@Configuration(proxyBeanMethods = false)
class DemoConfiguration {

	@Bean
	DemoCluster demoCluster(DemoProperties properties, JsonMapper jsonMapper) {
		return new DemoCluster(properties, jsonMapper);
	}

	@Bean
	ApplicationListener<ApplicationReadyEvent> demoBanner(DemoCluster cluster, Environment environment) {
		return (event) -> {
			String port = environment.getProperty("local.server.port", "8080");
			String replicas = cluster.ports()
				.entrySet()
				.stream()
				.map((entry) -> entry.getKey() + " on :" + entry.getValue())
				.collect(Collectors.joining(", "));
			String line = "=".repeat(78);
			System.out.println();
			System.out.println(line);
			System.out.println("  Raft demo: open http://localhost:" + port + " in a browser");
			System.out.println("  Replicas: " + replicas + " (real processes of this jar)");
			System.out.println("  Their data, output and job logs: " + cluster.dir());
			System.out.println("  Stop everything with Ctrl-C.");
			System.out.println(line);
			System.out.println();
		};
	}

}
