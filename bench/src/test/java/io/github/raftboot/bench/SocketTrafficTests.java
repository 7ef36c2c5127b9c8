package io.github.raftboot.bench;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.raftboot.bench.SocketTraffic.Observed;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the parser of {@code ss} lines in {@link SocketTraffic}, on output captured with
 * iproute2 6.1 ({@code ss/}). A JVM opened three loopback connections and exchanged 1000, 2000
 * and 3000 bytes one way and 77 bytes back on each: {@code snapshot-*} is {@code ss -tinpeHO}
 * while they were open, {@code destroyed-*} what {@code ss -tinEeHO} printed as they and the
 * listening sockets were closed. In {@code *-ipv6} the JVM ran with its defaults, so its sockets
 * are IPv6 ({@code [::1]} and IPv4-mapped {@code [::ffff:127.0.0.1]}, as a replica bound to
 * 127.0.0.1 has them); in {@code *-ipv4} it ran with {@code -Djava.net.preferIPv4Stack=true}
 * under the name {@code my java}.
 */
class SocketTrafficTests {

	@Test
	void aSnapshotLineGivesCookieEndsOwnerAndCounters() {
		List<Observed> sockets = parse("ss/snapshot-ipv6");
		assertThat(sockets).hasSize(6).allSatisfy((socket) -> assertThat(socket.pid()).isEqualTo(6949));
		assertThat(byCookie(sockets).get("19"))
			.isEqualTo(new Observed("19", "[::1]:42172", 42172, "[::1]:45181", 45181, 6949, 2000, 77, 4 + 3));
		assertThat(byCookie(sockets).get("1c")).isEqualTo(new Observed("1c", "[::ffff:127.0.0.1]:43090", 43090,
				"[::ffff:127.0.0.1]:38897", 38897, 6949, 1000, 77, 4 + 3));
	}

	@Test
	void plainIpv4AddressesAndAnOwnerWhoseNameHasASpace() {
		List<Observed> sockets = parse("ss/snapshot-ipv4");
		assertThat(sockets).hasSize(6).allSatisfy((socket) -> assertThat(socket.pid()).isEqualTo(7310));
		assertThat(byCookie(sockets).get("1f")).isEqualTo(
				new Observed("1f", "127.0.0.1:37012", 37012, "127.0.0.1:42651", 42651, 7310, 1000, 77, 4 + 3));
	}

	@Test
	void eachLoopbackConnectionIsSeenFromBothEndsWithTheSameBytes() {
		for (String sample : List.of("ss/snapshot-ipv6", "ss/snapshot-ipv4")) {
			Map<String, Observed> byEnds = parse(sample).stream()
				.collect(Collectors.toMap((socket) -> socket.local() + ">" + socket.peer(), Function.identity()));
			assertThat(byEnds.values()).as(sample).allSatisfy((socket) -> {
				Observed other = byEnds.get(socket.peer() + ">" + socket.local());
				assertThat(other).isNotNull();
				assertThat(other.received()).isEqualTo(socket.sent());
			});
		}
	}

	@Test
	void aDestroyedSocketHasNoOwnerButKeepsItsCookieAndGivesItsFinalCounters() {
		Map<String, Observed> open = byCookie(parse("ss/snapshot-ipv6"));
		List<Observed> destroyed = parse("ss/destroyed-ipv6");
		assertThat(destroyed).hasSize(6).allSatisfy((socket) -> assertThat(socket.pid()).isEqualTo(-1));
		assertThat(byCookie(destroyed)).containsOnlyKeys(open.keySet());
		Observed last = byCookie(destroyed).get("19");
		assertThat(last.local()).isEqualTo(open.get("19").local());
		assertThat(last.peer()).isEqualTo(open.get("19").peer());
		// The peer's FIN counts as one byte received.
		assertThat(last.sent()).isEqualTo(2000);
		assertThat(last.received()).isEqualTo(78);
		assertThat(last.segments()).isEqualTo(6 + 4);
	}

	@Test
	void listeningSocketsAreLeftOut() {
		List<String> lines = Samples.lines("ss/destroyed-ipv4");
		assertThat(lines).hasSize(9).filteredOn((line) -> line.contains("0.0.0.0:*")).hasSize(3)
			.allSatisfy((line) -> assertThat(Observed.parse(line)).isNull());
		assertThat(parse("ss/destroyed-ipv4")).hasSize(6);
	}

	@Test
	void linesThatAreNoSocketWithACookieAreLeftOut() {
		String line = Samples.lines("ss/snapshot-ipv4").get(0);
		assertThat(Observed.parse(line)).isNotNull();
		assertThat(Observed.parse(line.replace(" sk:1e ", " "))).isNull();
		assertThat(Observed.parse("State Recv-Q Send-Q Local Address:Port Peer Address:Port Process")).isNull();
		assertThat(Observed.parse("")).isNull();
	}

	@Test
	void loopbackIsIpv4Ipv6AndIpv4MappedLoopback() {
		for (String sample : List.of("ss/snapshot-ipv6", "ss/snapshot-ipv4")) {
			assertThat(parse(sample)).as(sample)
				.allSatisfy((socket) -> assertThat(SocketTraffic.isLoopback(socket.local())
						&& SocketTraffic.isLoopback(socket.peer())).isTrue());
		}
		assertThat(SocketTraffic.isLoopback("10.0.0.127:8081")).isFalse();
		assertThat(SocketTraffic.isLoopback("[::ffff:10.0.0.1]:8081")).isFalse();
		assertThat(SocketTraffic.isLoopback("[fe80::1]:8081")).isFalse();
	}

	private static List<Observed> parse(String sample) {
		return Samples.lines(sample).stream().map(Observed::parse).filter(Objects::nonNull).toList();
	}

	private static Map<String, Observed> byCookie(List<Observed> sockets) {
		return sockets.stream().collect(Collectors.toMap(Observed::cookie, Function.identity()));
	}

}
