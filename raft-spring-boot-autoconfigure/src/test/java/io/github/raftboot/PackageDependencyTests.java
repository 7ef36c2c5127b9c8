package io.github.raftboot;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.raftboot.runtime.RaftServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages of this module depend on each other without a cycle, so that each can be read,
 * and replaced, on its own: the transport knows the Raft messages and its own ports, never the
 * driver that implements them.
 *
 * <p>The dependencies are read from the compiled classes, as {@code jdeps} would: every class,
 * descriptor and signature a class file names in its constant pool, so a fully qualified name in
 * code counts too, and a type that only a comment names does not.
 */
class PackageDependencyTests {

	private static final String ROOT = "io/github/raftboot";

	/** A type of this project named in a class file: its package is the first group. */
	private static final Pattern TYPE = Pattern.compile("(" + ROOT + "(?:/[a-z_][a-z0-9_]*)*)/[A-Z]");

	private static Map<String, Set<String>> dependencies;

	@BeforeAll
	static void readTheCompiledClasses() throws IOException, URISyntaxException {
		Path classes = Path.of(RaftServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		dependencies = dependencies(classes);
		assertThat(dependencies).as("packages read from " + classes)
			.containsKeys("io.github.raftboot.runtime", "io.github.raftboot.transport",
					"io.github.raftboot.autoconfigure");
	}

	@Test
	void noPackageDependsOnItselfThroughOthers() {
		assertThat(cycle(dependencies)).as("a cycle between packages in " + dependencies).isNull();
	}

	@Test
	void theTransportKnowsNothingOfTheDriver() {
		assertThat(dependencies.get("io.github.raftboot.transport")).doesNotContain("io.github.raftboot.runtime")
			.contains("io.github.raftboot.core");
		assertThat(dependencies.get("io.github.raftboot.runtime")).contains("io.github.raftboot.transport");
	}

	@Test
	void aCycleIsFoundWhereverItStarts() {
		Map<String, Set<String>> graph = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c", "d"), "c",
				Set.of(), "d", Set.of("b")));
		assertThat(cycle(graph)).containsExactly("b", "d", "b");
		graph.put("d", Set.of("c"));
		assertThat(cycle(graph)).isNull();
	}

	/** The packages of this project that each package under {@code classes} names. */
	private static Map<String, Set<String>> dependencies(Path classes) throws IOException {
		Map<String, Set<String>> dependencies = new TreeMap<>();
		List<Path> classFiles;
		try (Stream<Path> files = Files.walk(classes.resolve(ROOT))) {
			classFiles = files.filter((file) -> file.toString().endsWith(".class")).toList();
		}
		for (Path classFile : classFiles) {
			String name = classes.relativize(classFile.getParent()).toString().replace('\\', '/');
			Set<String> used = dependencies.computeIfAbsent(name.replace('/', '.'), (key) -> new TreeSet<>());
			for (String other : namedPackages(classFile)) {
				if (!other.equals(name)) {
					used.add(other.replace('/', '.'));
				}
			}
		}
		return dependencies;
	}

	/** Reads the constant pool of a class file (JVMS §4.4) and returns the project packages its strings name. */
	private static Set<String> namedPackages(Path classFile) throws IOException {
		Set<String> packages = new HashSet<>();
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(classFile)))) {
			if (in.readInt() != 0xCAFEBABE) {
				throw new IOException(classFile + " is not a class file");
			}
			in.skipNBytes(4);
			int count = in.readUnsignedShort();
			for (int index = 1; index < count; index++) {
				int tag = in.readUnsignedByte();
				switch (tag) {
					case 1 -> {
						Matcher type = TYPE.matcher(in.readUTF());
						while (type.find()) {
							packages.add(type.group(1));
						}
					}
					case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
					case 15 -> in.skipNBytes(3);
					case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
					case 5, 6 -> {
						in.skipNBytes(8);
						index++;
					}
					default -> throw new IOException("Unknown constant pool tag " + tag + " in " + classFile);
				}
			}
		}
		return packages;
	}

	/** A cycle in the graph, as the path that closes it, or {@code null} if there is none. */
	private static @Nullable List<String> cycle(Map<String, Set<String>> graph) {
		Set<String> done = new HashSet<>();
		for (String start : graph.keySet()) {
			List<String> cycle = cycle(graph, start, new ArrayList<>(), done);
			if (cycle != null) {
				return cycle;
			}
		}
		return null;
	}

	private static @Nullable List<String> cycle(Map<String, Set<String>> graph, String node, List<String> path,
			Set<String> done) {
		int seen = path.indexOf(node);
		if (seen >= 0) {
			List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
			cycle.add(node);
			return cycle;
		}
		if (done.contains(node)) {
			return null;
		}
		path.add(node);
		for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
			List<String> cycle = cycle(graph, next, path, done);
			if (cycle != null) {
				return cycle;
			}
		}
		path.remove(path.size() - 1);
		done.add(node);
		return null;
	}

}
