package io.imagelib.router.web;

import io.imagelib.router.domain.UpstreamKeepAlive;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The data plane's idle upstream connections for small reads ({@link UpstreamKeepAlive} decides), per event loop and
 * host: a read takes one of its own loop (so the connection and the client share the loop, as every data-plane read
 * needs) and never a lock. An idle connection the host closes, or that sends anything unasked, leaves the pool at
 * once; one idle for the idle timeout is closed.
 */
final class UpstreamConnections {

    /** Name of the idle connection's handler, which a read replaces with its own. */
    static final String IDLE = "idle";

    private final UpstreamKeepAlive policy;
    private final InFlightReads inFlight;
    private final Map<EventExecutor, Map<String, ArrayDeque<Idle>>> byLoop = new ConcurrentHashMap<>();

    UpstreamConnections(UpstreamKeepAlive policy, InFlightReads inFlight) {
        this.policy = policy;
        this.inFlight = inFlight;
    }

    UpstreamKeepAlive policy() {
        return policy;
    }

    /** An idle connection to {@code key} ({@link #key}) of {@code hostId} on the caller's event loop that may carry a read. */
    Optional<Channel> take(EventExecutor loop, String key, String hostId) {
        ArrayDeque<Idle> idle = idle(loop, key);
        long trouble = inFlight.troubleSince(hostId);
        for (Idle connection; (connection = idle.pollLast()) != null; ) {
            if (connection.channel.isActive() && policy.reuse(connection.since, System.nanoTime(), trouble)) {
                return Optional.of(connection.channel);
            }
            connection.channel.close();
        }
        return Optional.empty();
    }

    /** Idle connections to {@code key} on the caller's event loop now. */
    int idleCount(EventExecutor loop, String key) {
        return idle(loop, key).size();
    }

    /**
     * Puts back a connection whose read is over; its pipeline holds a fresh response decoder and nothing after it. It
     * is read from while idle, so that a close or stray bytes from the host are seen at once.
     */
    void putBack(EventExecutor loop, String key, Channel channel) {
        Idle connection = new Idle(channel, System.nanoTime(), idle(loop, key));
        channel.pipeline().addLast(IDLE, connection);
        connection.queue.addLast(connection);
        channel.config().setAutoRead(true);
        channel.eventLoop().schedule(connection::expire, policy.idleTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Connections to the same host id and the same scheme and authority are alike. */
    static String key(String hostId, String scheme, String name, int port) {
        return hostId + " " + scheme + "://" + name + ":" + port;
    }

    private ArrayDeque<Idle> idle(EventExecutor loop, String key) {
        return byLoop.computeIfAbsent(loop, any -> new HashMap<>()).computeIfAbsent(key, any -> new ArrayDeque<>());
    }

    /** One idle connection; it runs on its loop only. */
    @ChannelHandler.Sharable
    private static final class Idle extends ChannelInboundHandlerAdapter {
        private final Channel channel;
        private final long since;
        private final ArrayDeque<Idle> queue;

        Idle(Channel channel, long since, ArrayDeque<Idle> queue) {
            this.channel = channel;
            this.since = since;
            this.queue = queue;
        }

        private void expire() {
            if (queue.remove(this)) {
                channel.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ReferenceCountUtil.release(message); // nothing was asked: the connection's framing is not to be trusted
            queue.remove(this);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            queue.remove(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            queue.remove(this);
            ctx.close();
        }
    }
}
