package io.github.raftboot.autoconfigure;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A user configuration with a {@link SimpleMeterRegistry}. */
@Configuration(proxyBeanMethods = false)
class SimpleMeterRegistryConfiguration {

	@Bean
	SimpleMeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

}
