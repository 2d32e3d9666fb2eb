package io.imagelib.monitor.probe;

import java.time.Clock;

/** Which HTTP client probes: measured side by side in docs/benchmarks/2026-11-25-host-monitor.md. */
public enum ProbeClient {
    /** Plain HTTP/1.1 on virtual threads over kept-alive sockets (https falls back to the JDK client). */
    SOCKET,
    /** The JDK's async HttpClient for everything. */
    JDK;

    public HealthProbe create(ProbeSettings settings, Clock clock) {
        var jdk = new HttpHealthProbe(HttpHealthProbe.client(settings), settings, clock);
        return this == JDK ? jdk : new SocketHealthProbe(settings, clock, jdk);
    }
}
