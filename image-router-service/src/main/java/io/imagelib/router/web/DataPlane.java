package io.imagelib.router.web;

import io.imagelib.router.config.DataPlaneProperties;
import io.imagelib.router.config.RouterProperties;
import io.imagelib.router.domain.InvalidTarget;
import io.imagelib.router.domain.ProxyTarget;
import io.imagelib.router.domain.UpstreamKeepAlive;
import io.imagelib.support.web.Problems;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * The zero-copy data plane: GETs of the image API, image downloads ({@code GET .../file}) and metadata reads, on
 * Netty's epoll transport, their bodies moved upstream socket -> pipe -> client socket by splice(2)
 * ({@link DataPlaneRead}), each request on its connection's event loop without a thread hop. Hosts are chosen and
 * failures handled by the same {@link HostAttempts} as the servlet proxy. Every other request (HEAD, writes, version
 * discovery) is sent to the servlet port with a 307 (method and body kept), so nothing the data plane does not serve
 * is lost.
 * <p>
 * Each client connection and the upstream connections of its downloads share one event loop, which splice needs.
 */
public final class DataPlane implements AutoCloseable {

    /** Names of the event-loop threads, whose CPU time is the data plane's own (the benchmark reads it). */
    public static final String THREAD_PREFIX = "imagelib-dataplane";
    private static final Logger log = LoggerFactory.getLogger(DataPlane.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final HostAttempts attempts;
    private final InFlightReads inFlight;
    private final RouterProperties properties;
    private final DataPlaneProperties settings;
    private final SslContext tls;
    private final UpstreamConnections connections;
    private EventLoopGroup loops;
    private Channel server;
    private volatile int servletPort;

    public DataPlane(HostAttempts attempts, InFlightReads inFlight, RouterProperties properties, DataPlaneProperties settings) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("imagelib.router.data-plane.enabled is set but Netty's epoll transport is not"
                    + " available here (Linux x86_64 only); unset it to serve everything on the servlet port",
                    Epoll.unavailabilityCause());
        }
        this.attempts = attempts;
        this.inFlight = inFlight;
        this.properties = properties;
        this.settings = settings;
        this.connections = new UpstreamConnections(new UpstreamKeepAlive(settings.upstreamKeepAlive(), settings.upstreamIdleTimeout()), inFlight);
        try {
            this.tls = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException e) {
            throw new IllegalStateException("No TLS client context for https hosts", e);
        }
    }

    /** Starts listening; requests it does not serve go to {@code servletPort}. */
    public synchronized void start(int servletPort) {
        if (server != null) {
            return;
        }
        this.servletPort = servletPort;
        int threads = settings.eventLoops() > 0 ? settings.eventLoops() : Runtime.getRuntime().availableProcessors();
        loops = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(THREAD_PREFIX), EpollIoHandler.newFactory());
        server = new ServerBootstrap().group(loops).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<EpollSocketChannel>() {
                    @Override
                    protected void initChannel(EpollSocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(8192, MAX_HEADER_BYTES, 8192), new ClientConnection());
                    }
                })
                .bind(settings.address(), settings.port()).syncUninterruptibly().channel();
        log.info("Data plane on {} ({} epoll event loops, splice(2) for image data); other requests go to port {}",
                server.localAddress(), threads, servletPort);
    }

    /** The port it listens on (the bound one when configured as 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    HostAttempts attempts() {
        return attempts;
    }

    InFlightReads inFlight() {
        return inFlight;
    }

    RouterProperties properties() {
        return properties;
    }

    int pipeBytes() {
        return Math.toIntExact(settings.pipeSize().toBytes());
    }

    UpstreamConnections connections() {
        return connections;
    }

    SslContext tls() {
        return tls;
    }

    /** Where the servlet port serves {@code uri}, for a client that reached us through {@code hostHeader}. */
    static String redirectLocation(String hostHeader, String localHost, int port, String uri) {
        String host;
        if (hostHeader == null || hostHeader.isBlank()) {
            host = localHost.contains(":") ? "[" + localHost + "]" : localHost;
        } else {
            int close = hostHeader.lastIndexOf(']');
            int colon = hostHeader.lastIndexOf(':');
            host = colon > close ? hostHeader.substring(0, colon) : hostHeader;
        }
        return "http://" + host + ":" + port + uri;
    }

    /** An RFC 9457 problem as a complete response. */
    static FullHttpResponse problem(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail problem = Problems.detail(status, slug, title, detail);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status.value()), Unpooled.wrappedBuffer(JSON.writeValueAsBytes(body)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    /** One client connection: its requests one after the other (the next is read once a read is over). */
    final class ClientConnection extends ChannelInboundHandlerAdapter {
        private DataPlaneRead current;
        /** A pipelined request arrived during a read: this connection closes after it (the client asks again). */
        private boolean pipelined;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                if (message instanceof HttpRequest request && current != null) {
                    pipelined = true;
                } else if (message instanceof HttpRequest request) {
                    serve(ctx.channel(), request);
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        private void serve(Channel client, HttpRequest request) {
            if (request.decoderResult().isFailure()) {
                answer(client, problem(HttpStatus.BAD_REQUEST, Problems.genericSlug(400), "Bad Request",
                        "The request is not valid HTTP/1.1: " + request.decoderResult().cause().getMessage()), false);
                return;
            }
            String uri = request.uri();
            int query = uri.indexOf('?');
            ProxyTarget target;
            try {
                target = uri.startsWith("/") ? ProxyTarget.parse(request.method().name(), query < 0 ? uri : uri.substring(0, query),
                        query < 0 ? null : uri.substring(query + 1), request.headers().get(ProxyTarget.REGION_HEADER),
                        properties.defaultRegion()) : null;
            } catch (InvalidTarget refused) {
                target = null; // the servlet port gives the same refusal as for any client
            }
            if (target == null || !request.method().equals(HttpMethod.GET) || !target.operation().isRead()) {
                redirect(client, request);
                return;
            }
            client.config().setAutoRead(false);
            current = new DataPlaneRead(DataPlane.this, this, client, request, target, HttpUtil.isKeepAlive(request));
            current.start();
        }

        /** 307: the same request, body included, to the servlet port; the connection closes (a body may be unread). */
        private void redirect(Channel client, HttpRequest request) {
            String location = redirectLocation(request.headers().get(HttpHeaderNames.HOST),
                    ((InetSocketAddress) client.localAddress()).getHostString(), servletPort, request.uri());
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.TEMPORARY_REDIRECT);
            response.headers().set(HttpHeaderNames.LOCATION, location).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            answer(client, response, false);
        }

        /** A complete answer of the data plane itself; the connection stays open for the next request if it may. */
        void answer(Channel client, FullHttpResponse response, boolean keepAlive) {
            boolean open = keepAlive && !pipelined;
            if (!open) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            current = null;
            client.writeAndFlush(response).addListener(open ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
            if (open) {
                client.config().setAutoRead(true);
            }
        }

        /** The read in hand is over and its last byte written: read the next request, or close. */
        void finished(Channel client, boolean keepAlive) {
            current = null;
            if (keepAlive && !pipelined) {
                client.config().setAutoRead(true);
            } else {
                client.close();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (current != null) {
                current.clientWritable(ctx.channel().isWritable());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (current != null) {
                current.clientGone();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("Data plane client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
