package io.github.raftboot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * What the numbers were measured on.
 *
 * @param cpuModel the CPU model ({@code model name} of {@code /proc/cpuinfo})
 * @param cpus logical CPUs listed in {@code /proc/cpuinfo}
 * @param availableProcessors what the JVM may use
 * @param memTotalMib physical memory ({@code MemTotal} of {@code /proc/meminfo})
 * @param kernel the kernel release
 * @param os the distribution ({@code PRETTY_NAME} of {@code /etc/os-release})
 * @param jdk vendor and version of the JDK that runs the replicas
 * @param jvmErgonomics the flags the JVM chose itself for the replicas' options (GC, heap)
 * @param loadAverageAtStart the load averages when the run started
 */
record MachineInfo(String cpuModel, int cpus, int availableProcessors, long memTotalMib, String kernel, String os,
		String jdk, String jvmErgonomics, String loadAverageAtStart) {

	/**
	 * Describes this machine.
	 * @param java the {@code java} executable of the replicas
	 * @param jvmOptions the replicas' JVM options, to show which flags the JVM derives from them
	 */
	static MachineInfo detect(String java, List<String> jvmOptions) {
		String cpuinfo = orEmpty(ProcFs.readOrNull(Path.of("/proc/cpuinfo")));
		String model = "?";
		int cpus = 0;
		for (String line : cpuinfo.split("\n")) {
			if (line.startsWith("model name") && "?".equals(model)) {
				model = line.substring(line.indexOf(':') + 1).trim();
			}
			if (line.startsWith("processor")) {
				cpus++;
			}
		}
		long memTotal = 0;
		for (String line : orEmpty(ProcFs.readOrNull(Path.of("/proc/meminfo"))).split("\n")) {
			if (line.startsWith("MemTotal:")) {
				memTotal = Long.parseLong(line.substring(9).replace("kB", "").trim()) / 1024;
			}
		}
		String kernel = orEmpty(ProcFs.readOrNull(Path.of("/proc/sys/kernel/osrelease"))).trim();
		String os = "?";
		for (String line : orEmpty(ProcFs.readOrNull(Path.of("/etc/os-release"))).split("\n")) {
			if (line.startsWith("PRETTY_NAME=")) {
				os = line.substring(12).replace("\"", "").trim();
			}
		}
		String jdk = System.getProperty("java.vm.vendor", "?") + " " + System.getProperty("java.vm.name", "?") + " "
				+ System.getProperty("java.runtime.version", System.getProperty("java.version", "?"));
		return new MachineInfo(model, cpus, Runtime.getRuntime().availableProcessors(), memTotal,
				kernel.isEmpty() ? System.getProperty("os.version", "?") : kernel, os, jdk.trim(),
				ergonomics(java, jvmOptions), ProcFs.loadAverage());
	}

	/** One line for the report. */
	String describe() {
		return String.format(Locale.ROOT, "%s, %d logical CPUs (JVM sees %d), %,d MiB RAM, Linux %s (%s), %s", this.cpuModel,
				this.cpus, this.availableProcessors, this.memTotalMib, this.kernel, this.os, this.jdk);
	}

	private static String ergonomics(String java, List<String> jvmOptions) {
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(jvmOptions.stream().filter((option) -> !option.startsWith("-XX:SharedArchiveFile")).toList());
		command.add("-XX:+PrintCommandLineFlags");
		command.add("-version");
		try {
			Process process = Processes.start(new ProcessBuilder(command).redirectErrorStream(true));
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor(30, TimeUnit.SECONDS);
			return out.lines().filter((line) -> line.startsWith("-XX")).findFirst().orElse("?").trim();
		}
		catch (IOException ex) {
			return "?";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "?";
		}
	}

	private static String orEmpty(@Nullable String text) {
		return (text != null) ? text : "";
	}

}
