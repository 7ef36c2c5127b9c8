package io.github.raftboot.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real headless Chromium, against the demo as a user starts it: a launcher
 * process and three replica processes, with the election groups {@code demo.sh} gives them for
 * the test of a kill. Screenshots go to {@code target/screenshots/}.
 */
class DashboardBrowserIT {

	private static final Pattern MILLIS = Pattern.compile("(\\d+) ms");

	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private static final List<String> GROUPS = List.of("default", "billing", "outbox", "warmer");

	private @Nullable DemoProcess demo;

	private @Nullable ChromeDriver browser;

	private Path dir = Path.of("target", "dashboard-it");

	@BeforeEach
	void prepare(TestInfo test) {
		HeadlessChromium.require();
		this.dir = Path.of("target", "dashboard-it", test.getTestMethod().orElseThrow().getName() + "-"
				+ System.currentTimeMillis());
	}

	/** Starts the demo with these launcher arguments and opens the dashboard. */
	private void open(String... arguments) throws IOException {
		this.demo = DemoProcess.start(this.dir.resolve("demo"), arguments);
		this.browser = HeadlessChromium.start(this.dir.resolve("chromium-profile"), 1440, 900);
		this.browser.get(this.demo.url());
	}

	@AfterEach
	void stop() {
		if (this.browser != null) {
			this.browser.quit();
		}
		if (this.demo != null) {
			this.demo.close();
		}
	}

	@Test
	void killTheLeaderShowsTheNewLeaderAndTheFailoverTime() throws Exception {
		// With election groups, as demo.sh starts the demo
		open("--demo.groups=billing,outbox,warmer");
		String leader = awaitOneLeaderAndTwoFollowers();
		assertThat(text(By.id("leader-name"))).isEqualTo(leader);
		assertThat(text(By.id("failover-time"))).isEqualTo("\u2014");
		await("a leader of every group in the groups table").atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.untilAsserted(() -> {
				Map<String, String> leaders = groupLeaders();
				assertThat(leaders.keySet()).containsExactlyElementsOf(GROUPS);
				assertThat(leaders.values()).doesNotContain("");
				assertThat(leaders.get("default")).isEqualTo(text(By.id("leader-name")));
			});
		screenshot("groups");

		click(By.id("kill-leader"));

		AtomicReference<String> next = new AtomicReference<>();
		AtomicLong shown = new AtomicLong();
		await("a new leader and a failover time on the page").atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.untilAsserted(() -> {
				assertThat(card(leader).getDomAttribute("data-process")).isEqualTo("KILLED");
				assertThat(text(card(leader), By.cssSelector("[data-testid='role']"))).isEqualToIgnoringCase("killed");
				List<String> leaders = replicasWithRole("leader");
				assertThat(leaders).hasSize(1).doesNotContain(leader);
				next.set(leaders.get(0));
				assertThat(text(By.id("leader-name"))).isEqualTo(next.get());
				shown.set(millis(text(By.id("failover-time"))));
			});
		assertThat(shown.get()).as("failover shown on the page, in ms").isPositive().isLessThan(2000);
		assertThat(text(By.id("failover-detail"))).contains(next.get()).contains("leader " + leader + " was killed");
		// The page shows what the launcher measured: from the SIGKILL to the new leader's leaderSince
		JsonNode failover = this.demo.state().get("lastFailover");
		assertThat(failover.get("millis").asLong()).isEqualTo(shown.get());
		assertThat(failover.get("from").asString()).isEqualTo(leader);
		assertThat(failover.get("to").asString()).isEqualTo(next.get());
		// ... and the timeline lists the kill and the new leader with the same failover time
		await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
			assertThat(this.browser.findElements(By.cssSelector("[data-testid='failover-badge']")))
				.extracting(WebElement::getText)
				.contains(shown.get() + " ms");
			assertThat(text(By.id("timeline"))).contains(leader + " killed (SIGKILL)")
				.contains(next.get() + " became leader");
		});
		// Every group the killed replica led has a new leader in the table
		await("no group led by " + leader).atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.untilAsserted(() -> {
				Map<String, String> leaders = groupLeaders();
				assertThat(leaders.values()).doesNotContain("", leader);
				assertThat(leaders.get("default")).isEqualTo(next.get());
				assertThat(text(By.cssSelector("[data-testid='group-default-" + next.get() + "']"))).contains("term");
			});
		screenshot("kill-the-leader");
	}

	/** Each row of the groups table: the group and the replica it shows as leader, or "". */
	private Map<String, String> groupLeaders() {
		Map<String, String> leaders = new LinkedHashMap<>();
		for (WebElement row : this.browser.findElements(By.cssSelector("#groups-rows tr"))) {
			leaders.put(row.getDomAttribute("data-group"), row.getDomAttribute("data-leader"));
		}
		return leaders;
	}

	@Test
	void tourOfTheDashboardWithScreenshots() throws Exception {
		open();
		String first = awaitOneLeaderAndTwoFollowers();
		assertThat(this.browser.findElement(By.id("groups")).isDisplayed()).as("groups table without demo.groups").isFalse();
		await("the leader-only job on " + first).atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(text(card(first), By.cssSelector("[data-testid='job-tail']")))
				.contains("term"));
		screenshot("01-three-replicas");

		// Cut the leader off from both others: they elect a new leader, it loses its lease
		List<String> others = roles().keySet().stream().filter((id) -> !id.equals(first)).toList();
		for (String other : others) {
			click(linkButton(first, other));
		}
		awaitLeaderOtherThan(first);
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
			assertThat(roles().get(first)).isNotEqualTo("leader");
			for (String other : others) {
				assertThat(text(By.cssSelector("[data-testid='link-row-" + pair(first, other) + "']"))).contains("cut");
			}
			assertThat(text(By.id("failover-detail"))).contains("lost its majority");
		});
		screenshot("02-leader-cut-off");

		// Heal: the old leader follows the leader of the others
		for (String other : others) {
			click(linkButton(first, other));
		}
		await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
			assertThat(roles().get(first)).isEqualTo("follower");
			assertThat(text(card(first), By.cssSelector("[data-testid='follows']"))).isEqualTo(leaderOnPage());
		});

		// Transfer leadership back to the first replica with its "Make leader" button (clicked
		// again should a hand-over be abandoned, as a user would)
		await("a transfer to " + first).atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofSeconds(2))
			.ignoreExceptions()
			.until(() -> {
				WebElement button = card(first).findElement(By.cssSelector("[data-testid='make-leader']"));
				if (!"leader".equals(roles().get(first)) && button.isDisplayed() && button.isEnabled()) {
					button.click();
				}
				return "leader".equals(roles().get(first)) && first.equals(leaderOnPage());
			});
		assertThat(text(By.id("timeline"))).contains("transfer");
		screenshot("03-transferred");

		// Stop a follower (SIGTERM), then start it again
		String follower = roles().keySet().stream().filter((id) -> !id.equals(leaderOnPage())).findFirst().orElseThrow();
		click(card(follower).findElement(By.cssSelector("[data-testid='stop']")));
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
			assertThat(card(follower).getDomAttribute("data-process")).isEqualTo("STOPPED");
			assertThat(roles().get(follower)).isEqualTo("down");
			assertThat(replicasWithRole("leader")).hasSize(1).doesNotContain(follower);
		});
		screenshot("04-follower-stopped");
		click(card(follower).findElement(By.cssSelector("[data-testid='start']")));
		await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
			assertThat(roles().get(follower)).isEqualTo("follower");
			assertThat(text(card(follower), By.cssSelector("[data-testid='follows']"))).isEqualTo(leaderOnPage());
		});

		// Kill the leader: the job moves to the new leader
		String killed = awaitOneLeaderAndTwoFollowers();
		click(By.id("kill-leader"));
		String last = awaitLeaderOtherThan(killed);
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
			assertThat(card(killed).getDomAttribute("data-process")).isEqualTo("KILLED");
			assertThat(millis(text(By.id("failover-time")))).isPositive();
			assertThat(text(card(last), By.cssSelector("[data-testid='job-tail']"))).contains("term");
			assertThat(text(By.id("job"))).contains(last);
		});
		screenshot("05-failover");
		this.browser.manage().window().setSize(new Dimension(1280, 800));
		screenshot("06-laptop-1280x800");
	}

	/** The leader named in the page's header. */
	private String leaderOnPage() {
		return text(By.id("leader-name"));
	}

	private String awaitOneLeaderAndTwoFollowers() {
		AtomicReference<String> leader = new AtomicReference<>();
		await("three replicas on the page, one leader and two followers").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.untilAsserted(() -> {
				Map<String, String> roles = roles();
				assertThat(roles).hasSize(3);
				assertThat(roles.values()).containsExactlyInAnyOrder("leader", "follower", "follower");
				leader.set(replicasWithRole("leader").get(0));
			});
		return leader.get();
	}

	private String awaitLeaderOtherThan(String previous) {
		AtomicReference<String> leader = new AtomicReference<>();
		await("a leader other than " + previous).atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.untilAsserted(() -> {
				List<String> leaders = replicasWithRole("leader");
				assertThat(leaders).hasSize(1).doesNotContain(previous);
				assertThat(text(By.id("leader-name"))).isEqualTo(leaders.get(0));
				leader.set(leaders.get(0));
			});
		return leader.get();
	}

	/** Each replica's card and the role it shows ({@code leader}, {@code follower}, {@code down}, ...). */
	private Map<String, String> roles() {
		Map<String, String> roles = new LinkedHashMap<>();
		for (WebElement card : this.browser.findElements(By.cssSelector("article.card"))) {
			roles.put(card.getDomAttribute("data-replica"), card.getDomAttribute("data-role"));
		}
		return roles;
	}

	private List<String> replicasWithRole(String role) {
		return roles().entrySet().stream().filter((entry) -> role.equals(entry.getValue())).map(Map.Entry::getKey).toList();
	}

	private WebElement card(String id) {
		return this.browser.findElement(By.cssSelector("article.card[data-replica='" + id + "']"));
	}

	private By linkButton(String a, String b) {
		return By.cssSelector("[data-testid='toggle-link-" + pair(a, b) + "']");
	}

	private static String pair(String a, String b) {
		return (a.compareTo(b) < 0) ? a + "-" + b : b + "-" + a;
	}

	private void click(By by) {
		click(this.browser.findElement(by));
	}

	private void click(WebElement element) {
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> element.isDisplayed() && element.isEnabled());
		element.click();
	}

	private String text(By by) {
		return this.browser.findElement(by).getText().trim();
	}

	private static String text(WebElement root, By by) {
		return root.findElement(by).getText().trim();
	}

	private static long millis(String text) {
		Matcher matcher = MILLIS.matcher(text);
		assertThat(matcher.matches()).as("'%s' is a time in ms", text).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private void screenshot(String name) throws IOException {
		Files.createDirectories(SCREENSHOTS);
		Files.write(SCREENSHOTS.resolve(name + ".png"), this.browser.getScreenshotAs(OutputType.BYTES));
	}

}
