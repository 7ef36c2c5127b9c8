package io.github.raftboot.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the documentation navigable: every relative link in README.md, {@code docs/} and
 * {@code bench/README.md} points to a file that exists and, with a {@code #fragment}, to a heading
 * that file has (GitHub's anchors); and the README stays short enough to read in ten minutes.
 */
class DocumentationLinksTests {

	/** The README is the newcomer's page; depth goes to docs/ and bench/README.md. */
	private static final int README_MAX_BYTES = 25 * 1024;

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

	private static final Pattern HEADING = Pattern.compile("^#{1,6} +(.+?) *#*$");

	@Test
	void readmeStaysUnder25Kilobytes() throws IOException {
		assertThat(Files.size(ROOT.resolve("README.md"))).as("bytes of README.md").isLessThanOrEqualTo(README_MAX_BYTES);
	}

	@Test
	void everyRelativeLinkPointsToAFileAndHeadingThatExist() throws IOException {
		List<Path> pages = pages();
		assertThat(pages).as("documentation pages")
			.contains(ROOT.resolve("README.md"), ROOT.resolve("bench/README.md"), ROOT.resolve("docs/kubernetes.md"));
		List<String> broken = new ArrayList<>();
		int checked = 0;
		for (Path page : pages) {
			for (String target : links(page)) {
				if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
					continue; // https:, mailto: ...
				}
				checked++;
				int hash = target.indexOf('#');
				String file = (hash < 0) ? target : target.substring(0, hash);
				Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
				if (!Files.exists(linked)) {
					broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
				}
				else if (hash >= 0 && !anchors(linked).contains(target.substring(hash + 1))) {
					broken.add(ROOT.relativize(page) + ": " + target + " (no such heading in "
							+ ROOT.relativize(linked) + ")");
				}
			}
		}
		assertThat(checked).as("relative links checked").isGreaterThan(20);
		assertThat(broken).as("broken links").isEmpty();
	}

	@Test
	void anchorsFollowGitHubsRules() {
		assertThat(anchors(List.of("# Scaling 3 → 5 → 3", "## The `raft` endpoint", "## What changed, and why",
				"## Timing", "### Timing")))
			.containsExactlyInAnyOrder("scaling-3--5--3", "the-raft-endpoint", "what-changed-and-why", "timing",
					"timing-1");
	}

	private static List<Path> pages() throws IOException {
		List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("bench/README.md")));
		try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
			docs.filter((path) -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		return pages;
	}

	/** The link targets of a page, outside fenced code blocks. */
	private static List<String> links(Path page) throws IOException {
		List<String> targets = new ArrayList<>();
		boolean code = false;
		for (String line : Files.readAllLines(page)) {
			if (line.stripLeading().startsWith("```")) {
				code = !code;
				continue;
			}
			if (!code) {
				Matcher matcher = LINK.matcher(line);
				while (matcher.find()) {
					targets.add(matcher.group(1));
				}
			}
		}
		return targets;
	}

	private static Set<String> anchors(Path page) {
		try {
			return anchors(Files.readAllLines(page));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** GitHub's anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
	private static Set<String> anchors(List<String> lines) {
		Set<String> anchors = new HashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		boolean code = false;
		for (String line : lines) {
			if (line.stripLeading().startsWith("```")) {
				code = !code;
				continue;
			}
			Matcher heading = HEADING.matcher(line);
			if (code || !heading.matches()) {
				continue;
			}
			String slug = heading.group(1)
				.toLowerCase(Locale.ROOT)
				.replaceAll("[^\\p{L}\\p{N} _-]", "")
				.replace(' ', '-');
			int repeat = seen.merge(slug, 1, Integer::sum) - 1;
			anchors.add((repeat == 0) ? slug : slug + "-" + repeat);
		}
		return anchors;
	}

}
