package io.github.raftboot.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.raftboot.autoconfigure.RaftProperties;
import io.github.raftboot.demo.DemoProperties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's configuration reference in step with the properties the code has: every
 * property in the starter's generated {@code META-INF/spring-configuration-metadata.json} (and
 * in the sample's own) must be named in the README, and every {@code raft.*} key in the README's
 * configuration table must exist. Reads whatever metadata exists at build time, so a property
 * added later fails this test until the README documents it.
 */
class ReadmeConfigurationReferenceTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final Pattern TABLE_KEY = Pattern.compile("^\\| `(raft\\.[a-z0-9.-]+)(?:\\.<[a-z-]+>)?` \\|",
			Pattern.MULTILINE);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final String readme = readme();

	@Test
	void readmeNamesEveryPropertyOfTheStarter() throws IOException {
		Set<String> names = propertyNames(RaftProperties.class);
		assertThat(names).as("properties in the starter's metadata")
			.contains("raft.node-id", "raft.peers", "raft.election-timeout-min", "raft.heartbeat-interval");
		assertThat(undocumented(names)).as("properties of the starter that README.md does not name").isEmpty();
	}

	@Test
	void readmeNamesEveryPropertyOfTheSampleAndTheDemo() throws IOException {
		Set<String> names = propertyNames(DemoProperties.class);
		assertThat(names).contains("sample.job-log", "sample.demo.fault-injection", "demo.replica-ports");
		assertThat(undocumented(names)).as("properties of the sample and the demo that README.md does not name").isEmpty();
	}

	@Test
	void everyRaftKeyInTheConfigurationTableExists() throws IOException {
		Set<String> names = propertyNames(RaftProperties.class);
		List<String> documented = new ArrayList<>();
		Matcher matcher = TABLE_KEY.matcher(configurationSection());
		while (matcher.find()) {
			documented.add(matcher.group(1));
		}
		assertThat(documented).as("raft.* keys in the README's configuration table").hasSizeGreaterThan(10);
		assertThat(documented.stream().filter((key) -> !names.contains(key)))
			.as("keys in README.md's configuration table that no property has")
			.isEmpty();
	}

	/** The names that do not appear in README.md in code quotes ({@code `raft.peers.<id>`} counts for raft.peers). */
	private List<String> undocumented(Set<String> names) {
		return names.stream().filter((name) -> !this.readme.contains("`" + name)).toList();
	}

	/** The names in the metadata file that comes with the given class (same jar or directory). */
	private static Set<String> propertyNames(Class<?> type) throws IOException {
		String location = type.getProtectionDomain().getCodeSource().getLocation().toString();
		Set<String> names = new TreeSet<>();
		boolean found = false;
		for (URL url : Collections.list(type.getClassLoader().getResources(METADATA))) {
			if (!url.toString().contains(location)) {
				continue;
			}
			found = true;
			try (InputStream in = url.openStream()) {
				for (JsonNode property : json.readTree(in).path("properties")) {
					names.add(property.get("name").asString());
				}
			}
		}
		assertThat(found).as("%s next to %s", METADATA, location).isTrue();
		return names;
	}

	private String configurationSection() {
		int start = this.readme.indexOf("\n## Configuration");
		assertThat(start).as("a '## Configuration' section in README.md").isNotNegative();
		int end = this.readme.indexOf("\n## ", start + 1);
		return this.readme.substring(start, (end < 0) ? this.readme.length() : end);
	}

	private static String readme() {
		try {
			return Files.readString(Path.of("..", "README.md"));
		}
		catch (IOException ex) {
			throw new IllegalStateException("README.md not found next to the sample-app module", ex);
		}
	}

}
