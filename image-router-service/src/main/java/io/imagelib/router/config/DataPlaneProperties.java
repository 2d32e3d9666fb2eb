package io.imagelib.router.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The zero-copy data plane for image downloads (docs/image-router-service.md, "Data plane"): a Netty epoll listener
 * of its own beside the servlet port. It serves {@code GET .../file} and sends every other request to the servlet
 * port with a 307, so clients may point at it for everything.
 *
 * @param enabled    off by default: the servlet port serves everything as before
 * @param port       its port (0: any free port, for tests)
 * @param address    the address it binds (all interfaces by default, as the servlet port)
 * @param eventLoops event-loop threads; 0: one per CPU
 * @param pipeSize   capacity of each spliced body's pipe (fcntl F_SETPIPE_SZ); 0: the kernel's default, 64 KiB. A
 *                   larger pipe means fewer splice(2) calls per GB but more kernel memory per download held by a
 *                   slow client; at most /proc/sys/fs/pipe-max-size (1 MiB by default)
 * @param upstreamKeepAlive   idle upstream connections kept per host and event loop for the next metadata read
 *                            (domain.UpstreamKeepAlive); 0: every read connects anew
 * @param upstreamIdleTimeout a kept connection idle this long is closed; below Glance's own keep-alive wait
 */
@ConfigurationProperties("imagelib.router.data-plane")
public record DataPlaneProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("9293") int port,
        @DefaultValue("0.0.0.0") String address,
        @DefaultValue("0") int eventLoops,
        @DefaultValue("0") DataSize pipeSize,
        @DefaultValue("8") int upstreamKeepAlive,
        @DefaultValue("10s") Duration upstreamIdleTimeout) {
}
