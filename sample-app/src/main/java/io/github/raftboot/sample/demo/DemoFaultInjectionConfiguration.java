package io.github.raftboot.sample.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.github.raftboot.leader.PeerStatus;
import io.github.raftboot.leader.RaftLeadership;
import io.github.raftboot.test.CutLinks;
import io.github.raftboot.test.FaultInjectingTransport;
import io.github.raftboot.transport.RaftTransport;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Fault injection for the demo, registered only with {@code sample.demo.fault-injection=true}
 * (off by default): wraps whatever {@link RaftTransport} the application has in a
 * {@link FaultInjectingTransport} of raft-spring-boot-test, with {@link CutLinks} of this replica's
 * own, and serves
 * <ul>
 * <li>{@code GET /demo/faults}: {@code {"node":"n1","cut":["n3"]}}</li>
 * <li>{@code POST /demo/faults/cut/{peer}} and {@code POST /demo/faults/heal/{peer}}: cut or heal
 * the link to one peer (only this replica's side: the launcher tells both ends)</li>
 * <li>{@code POST /demo/faults/heal}: heal every link</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("sample.demo.fault-injection")
public class DemoFaultInjectionConfiguration {

	@Bean
	CutLinks demoCutLinks() {
		return new CutLinks();
	}

	/** Wraps the transport bean, the default one or the application's own, after it is built. */
	@Bean
	static BeanPostProcessor faultInjectingTransportPostProcessor(ObjectProvider<CutLinks> links) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof RaftTransport transport && !(bean instanceof FaultInjectingTransport)) {
					return new FaultInjectingTransport(transport, links.getObject());
				}
				return bean;
			}

		};
	}

	@Bean
	RouterFunction<ServerResponse> demoFaultRoutes(CutLinks links, RaftLeadership leadership) {
		return RouterFunctions.route()
			.GET("/demo/faults", (request) -> state(links, leadership))
			.POST("/demo/faults/heal", (request) -> {
				links.healAll();
				return state(links, leadership);
			})
			.POST("/demo/faults/cut/{peer}", (request) -> change(request, links, leadership, true))
			.POST("/demo/faults/heal/{peer}", (request) -> change(request, links, leadership, false))
			.build();
	}

	private static ServerResponse change(ServerRequest request, CutLinks links, RaftLeadership leadership,
			boolean cut) {
		String peer = request.pathVariable("peer");
		Set<String> peers = leadership.status()
			.peers()
			.stream()
			.map(PeerStatus::id)
			.collect(Collectors.toCollection(TreeSet::new));
		if (!peers.contains(peer)) {
			return ServerResponse.badRequest()
				.body(Map.of("error", "'" + peer + "' is not another member; the others are " + peers));
		}
		if (cut) {
			links.cut(leadership.nodeId(), peer);
		}
		else {
			links.heal(leadership.nodeId(), peer);
		}
		return state(links, leadership);
	}

	private static ServerResponse state(CutLinks links, RaftLeadership leadership) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("node", leadership.nodeId());
		body.put("cut", links.cutFrom(leadership.nodeId()));
		return ServerResponse.ok().body(body);
	}

}
