package io.github.raftboot.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import javax.imageio.ImageIO;

import io.github.raftboot.bench.Results.Kind;
import io.github.raftboot.bench.Results.Transition;

/**
 * Draws the cumulative distribution of failover (SIGKILL) and handover (SIGTERM) times per
 * cluster size, with the targets as dashed lines, into a PNG (headless AWT).
 */
final class CdfPlot {

	private static final int PANEL_WIDTH = 520;

	private static final int HEIGHT = 400;

	private static final int LEFT = 60;

	private static final int RIGHT = 20;

	private static final int TOP = 40;

	private static final int BOTTOM = 50;

	private static final Color[] COLORS = { new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
			new Color(0x9467bd) };

	private CdfPlot() {
	}

	static void draw(List<Transition> transitions, Path file) throws IOException {
		BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
			g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
			g.setColor(Color.WHITE);
			g.fillRect(0, 0, image.getWidth(), image.getHeight());
			panel(g, 0, transitions, Kind.SIGKILL, new double[] { Report.FAILOVER_MEDIAN_TARGET, Report.FAILOVER_P99_TARGET });
			panel(g, PANEL_WIDTH, transitions, Kind.SIGTERM, new double[] { Report.HANDOVER_MEDIAN_TARGET });
		}
		finally {
			g.dispose();
		}
		ImageIO.write(image, "png", file.toFile());
	}

	private static void panel(Graphics2D g, int x0, List<Transition> transitions, Kind kind, double[] targets) {
		List<Transition> ofKind = transitions.stream().filter((t) -> t.kind() == kind && !Double.isNaN(t.millis())).toList();
		int plotWidth = PANEL_WIDTH - LEFT - RIGHT;
		int plotHeight = HEIGHT - TOP - BOTTOM;
		int left = x0 + LEFT;
		int bottom = TOP + plotHeight;
		double maxValue = ofKind.stream().mapToDouble(Transition::millis).max().orElse(1);
		for (double target : targets) {
			maxValue = Math.max(maxValue, target);
		}
		double xMax = niceCeiling(maxValue * 1.05);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
		g.setColor(Color.BLACK);
		g.drawString(kind.title() + ": CDF", left, TOP - 15);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		// Grid and axes
		for (int i = 0; i <= 5; i++) {
			double fraction = i / 5.0;
			int y = bottom - (int) Math.round(fraction * plotHeight);
			g.setColor(new Color(0xe0e0e0));
			g.drawLine(left, y, left + plotWidth, y);
			g.setColor(Color.BLACK);
			g.drawString(String.format(Locale.ROOT, "%.1f", fraction), left - 28, y + 4);
			double value = xMax * i / 5.0;
			int x = left + (int) Math.round(i / 5.0 * plotWidth);
			g.setColor(new Color(0xe0e0e0));
			g.drawLine(x, TOP, x, bottom);
			g.setColor(Color.BLACK);
			String label = String.format(Locale.ROOT, "%.0f", value);
			g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, bottom + 16);
		}
		g.drawRect(left, TOP, plotWidth, plotHeight);
		g.drawString("ms from the signal to the new leader's leaderSince", left + 40, bottom + 36);
		// Targets
		g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] { 6, 4 }, 0));
		g.setColor(Color.GRAY);
		for (int i = 0; i < targets.length; i++) {
			int x = left + (int) Math.round(targets[i] / xMax * plotWidth);
			g.drawLine(x, TOP, x, bottom);
			g.drawString("target " + (int) targets[i], x + 3, TOP + 12 + 14 * i);
		}
		// Curves
		TreeSet<Integer> sizes = new TreeSet<>();
		ofKind.forEach((t) -> sizes.add(t.replicas()));
		int colorIndex = 0;
		int legendY = bottom - 12 - 16 * (sizes.size() - 1);
		for (int size : sizes) {
			double[] values = ofKind.stream().filter((t) -> t.replicas() == size).mapToDouble(Transition::millis).sorted().toArray();
			Color color = COLORS[colorIndex++ % COLORS.length];
			g.setColor(color);
			g.setStroke(new BasicStroke(2f));
			int previousX = left;
			int previousY = bottom;
			for (int i = 0; i < values.length; i++) {
				int x = left + (int) Math.round(values[i] / xMax * plotWidth);
				int y = bottom - (int) Math.round((i + 1.0) / values.length * plotHeight);
				g.drawLine(previousX, previousY, x, previousY);
				g.drawLine(x, previousY, x, y);
				previousX = x;
				previousY = y;
			}
			g.drawLine(left + plotWidth - 150, legendY - 4, left + plotWidth - 125, legendY - 4);
			g.setColor(Color.BLACK);
			g.drawString(String.format(Locale.ROOT, "%d replicas (n = %d)", size, values.length), left + plotWidth - 120,
					legendY);
			legendY += 16;
		}
		g.setStroke(new BasicStroke(1f));
	}

	private static double niceCeiling(double value) {
		double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(value, 1e-9))));
		for (double step : new double[] { 1, 2, 2.5, 5, 10 }) {
			if (step * magnitude >= value) {
				return step * magnitude;
			}
		}
		return 10 * magnitude;
	}

}
