package io.github.raftboot.bench;

import java.util.Locale;

/**
 * The stage the replicas are measured on. {@link BenchOptions#settings(Profile)} gives what each
 * one means in numbers.
 */
enum Profile {

	/**
	 * An ideal stage, the one the history of the benchmark was measured on: a quiet machine,
	 * replicas ahead of other work (nice −5), every replica warmed up as leader by transfers, a
	 * restarted replica at nice 19 while it starts, as if on a machine of its own.
	 */
	QUIET("quiet profile"),

	/**
	 * A busy node, as users run replicas: one core of background load started by the tool,
	 * replicas at nice 0 like everything else, no warm-up transfers (replicas that have never
	 * led), a restarted replica at the same nice value as the others.
	 */
	BUSY("busy profile");

	private final String title;

	Profile(String title) {
		this.title = title;
	}

	/** How the report names it, such as {@code busy profile}. */
	String title() {
		return this.title;
	}

	/** How the options and the CSV files name it, such as {@code busy}. */
	String optionValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}
