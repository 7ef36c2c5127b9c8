package io.github.raftboot.bench;

/**
 * How much CPU everything else on the machine used during a stretch of time: all CPUs' busy
 * time ({@code /proc/stat}) minus what this benchmark and its replicas used. Other people's
 * builds on a shared machine make elections slower; this says when they did.
 */
final class BackgroundLoad {

	private final long machineBusy;

	private final long own;

	private final long startedAt;

	private BackgroundLoad() {
		this.machineBusy = ProcFs.machineTicks()[0];
		this.own = ProcFs.ownTreeTicks();
		this.startedAt = System.nanoTime();
	}

	/** Starts measuring now. */
	static BackgroundLoad start() {
		return new BackgroundLoad();
	}

	/** CPU used by other processes since the start, in % of one CPU. */
	double percent() {
		long machine = ProcFs.machineTicks()[0] - this.machineBusy;
		long mine = ProcFs.ownTreeTicks() - this.own;
		double seconds = (System.nanoTime() - this.startedAt) / 1e9;
		return Math.max(0, 100.0 * (machine - mine) / ProcFs.clockTicksPerSecond() / seconds);
	}

}
