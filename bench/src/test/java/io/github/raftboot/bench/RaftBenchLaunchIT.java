package io.github.raftboot.bench;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the packaged tool as {@code bench/run.sh} starts it ({@code java -jar}): its manifest
 * names the main class, and its class path finds the runtime dependencies copied to
 * {@code target/lib}.
 */
class RaftBenchLaunchIT {

	private final Path jar = Path.of(System.getProperty("bench.jar", "bench.jar not set by bench/pom.xml"));

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void javaDashJarStartsTheToolAndPrintsTheOptions() throws Exception {
		assertThat(this.jar).isRegularFile();
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process process = new ProcessBuilder(java.toString(), "-jar", this.jar.toString(), "--help")
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor()).as(output).isZero();
		assertThat(output).startsWith("Usage: RaftBench [options]").contains("--jar=PATH");
	}

	@Test
	void theJarAloneFindsJacksonThroughItsManifest() throws Exception {
		try (JarFile file = new JarFile(this.jar.toFile())) {
			assertThat(file.getManifest().getMainAttributes().getValue("Class-Path"))
				.contains("lib/jackson-databind-")
				.doesNotContain("junit", "assertj", "jspecify", "sample-app");
		}
		// The platform class loader as parent: nothing of the test's own class path is visible.
		try (URLClassLoader loader = new URLClassLoader(new URL[] { this.jar.toUri().toURL() },
				ClassLoader.getPlatformClassLoader())) {
			assertThat(Class.forName("io.github.raftboot.bench.RaftBench", false, loader).getClassLoader())
				.isSameAs(loader);
			assertThat(Class.forName("tools.jackson.databind.json.JsonMapper", true, loader).getClassLoader())
				.isSameAs(loader);
		}
	}

}
