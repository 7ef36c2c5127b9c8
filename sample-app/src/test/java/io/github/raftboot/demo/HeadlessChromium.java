package io.github.raftboot.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver. Both paths are given, so
 * Selenium Manager never runs and nothing is downloaded.
 */
final class HeadlessChromium {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private HeadlessChromium() {
	}

	/**
	 * Fails the test when Chromium is missing on CI ({@code CI=true}); elsewhere skips it.
	 */
	static void require() {
		if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
			return;
		}
		String message = "The dashboard's browser test needs Debian's Chromium and its driver at " + CHROMIUM + " and "
				+ CHROMEDRIVER + ", which are missing. Install them with "
				+ "'apt-get update && apt-get install -y chromium chromium-driver' (.ci/run does).";
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			Assertions.fail(message);
		}
		Assumptions.abort(message + " Skipped because CI is not set to true.");
	}

	/** Starts a headless browser with a fresh profile in {@code profile}, and the given window size. */
	static ChromeDriver start(Path profile, int width, int height) throws IOException {
		Files.createDirectories(profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile.toAbsolutePath(),
				"--window-size=" + width + "," + height);
		return new ChromeDriver(service, options);
	}

}
