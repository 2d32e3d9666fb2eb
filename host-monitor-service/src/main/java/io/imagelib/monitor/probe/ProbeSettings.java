package io.imagelib.monitor.probe;

import io.imagelib.monitor.domain.Hysteresis;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the prober needs, free of Spring so the benchmark builds it by hand.
 *
 * @param interval           time between rounds of one host
 * @param connectTimeout     TCP connect timeout
 * @param readTimeout        whole-exchange deadline of the shallow check; the socket probe raises it per host to follow
 *                           the host's recent answers ({@code ReadAllowance}), never above {@code deepTimeout}
 * @param deepTimeout        whole-exchange deadline of the deep check (it touches the database)
 * @param hysteresis         rise / fall / drainAfter / deepEvery
 * @param maxInFlight        probes in flight across all hosts (bounds sockets and memory)
 * @param maxInFlightPerHost rounds of one host that may overlap (a hung host keeps one round open per interval)
 * @param urgentSpacing      gap between the rounds of an urgent burst (after a failure observation)
 * @param admissionRate      newly watched hosts started per second (a takeover of thousands of hosts is paced)
 * @param healthcheckPath    shallow check path
 * @param deepCheckPath      deep check path and query
 * @param deepCheckHeaders   headers of the deep check (Glance trusted-auth headers when Keystone is not in front)
 * @param servedGrace        how long before a round a router's report that the host was serving still excuses
 *                           the round's timeout ({@code BusyOrDead})
 */
public record ProbeSettings(Duration interval, Duration connectTimeout, Duration readTimeout, Duration deepTimeout,
                            Hysteresis hysteresis, int maxInFlight, int maxInFlightPerHost, Duration urgentSpacing, int admissionRate,
                            String healthcheckPath, String deepCheckPath, Map<String, String> deepCheckHeaders,
                            Duration servedGrace) {
}
