package io.github.raftboot.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Output captured from real processes, stored under
 * {@code src/test/resources/io/github/raftboot/bench/}.
 */
final class Samples {

	private Samples() {
	}

	/**
	 * The text of a sample.
	 * @param name its path relative to this package, such as {@code proc/java-stat}
	 * @return the text
	 */
	static String text(String name) {
		try (InputStream in = Samples.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalArgumentException("No sample " + name + " next to " + Samples.class.getName());
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The lines of a sample.
	 * @param name its path relative to this package
	 * @return the lines, without line ends
	 */
	static List<String> lines(String name) {
		return text(name).lines().toList();
	}

}
