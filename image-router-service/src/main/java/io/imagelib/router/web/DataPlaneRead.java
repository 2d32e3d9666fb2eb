package io.imagelib.router.web;

import io.imagelib.router.domain.DataPath;
import io.imagelib.router.domain.HostFailures;
import io.imagelib.router.domain.ImageOperation;
import io.imagelib.router.domain.ProxyTarget;
import io.imagelib.router.domain.ResumeWindow;
import io.imagelib.router.domain.RetryPolicy;
import io.imagelib.router.domain.RetryPolicy.Failure;
import io.imagelib.router.domain.Route;
import io.imagelib.router.domain.Upstream;
import io.imagelib.router.domain.UpstreamKeepAlive;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * One GET on the data plane, an image download or a metadata read (JSON: lists, an image, schemas), on its client
 * connection's event loop (no locks and no other thread: every callback runs there). Hosts are tried in the order
 * {@link HostAttempts} plans, exactly as the servlet proxy tries them for a read: a host that refuses, resets, answers
 * a 5xx or sends no response head within the read-headers timeout is reported and the next one is tried, with further
 * plans while {@code ReadRounds} allows. Once a host answers, its head is relayed and the body is spliced
 * ({@link DataPath#SPLICE}) or, where splice cannot apply, copied and counted.
 * <p>
 * A spliced image body that breaks after its first byte (the host closes or resets, sends nothing for the idle
 * timeout, or is cut when it goes DOWN) is resumed on another host with a Range request for the bytes after the last
 * one delivered, as the servlet path does; the client reads one unbroken body. The delivered count is exact: the bytes written before
 * the splice plus every byte {@link SplicePump} took from the host, all of which reach the client. A copied body (TLS,
 * chunked, until close) or a metadata body that breaks is not resumed (the servlet path does not resume metadata
 * either): the client connection is closed.
 */
final class DataPlaneRead {

    private static final Logger log = LoggerFactory.getLogger(DataPlaneRead.class);
    private static final String DECODER = "http-response-decoder";
    private static final String ATTEMPT = "attempt";

    private final DataPlane plane;
    private final DataPlane.ClientConnection connection;
    private final HostAttempts attempts;
    private final ProxyMetrics metrics;
    private final Channel client;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private final ProxyTarget target;
    private final boolean keepAlive;
    private final long began = System.nanoTime();
    private final List<String> tried = new ArrayList<>();
    private Route route;
    private int index;
    private int round = 1;
    private boolean panic;
    private boolean clientGone;
    private Attempt attempt;
    /** Set once a spliced body has begun: what the client is receiving, and how much of it is on its way. */
    private ResumeWindow window;
    private String checksum;
    private long delivered;
    private int resumes;
    /** While resuming: the host that broke (left out of the first plan) and when the resume began. */
    private Upstream broken;
    private long resumeBegan;

    DataPlaneRead(DataPlane plane, DataPlane.ClientConnection connection, Channel client, HttpRequest request,
                  ProxyTarget target, boolean keepAlive) {
        this.plane = plane;
        this.connection = connection;
        this.attempts = plane.attempts();
        this.metrics = attempts.metrics();
        this.client = client;
        this.target = target;
        this.keepAlive = keepAlive;
        for (Map.Entry<String, String> header : request.headers()) {
            if (ForwardedHeaders.toUpstream(header.getKey(), false)) {
                headers.add(Map.entry(header.getKey(), header.getValue()));
            }
        }
    }

    void start() {
        route = plan();
        if (route.isEmpty()) {
            problem(HttpStatus.SERVICE_UNAVAILABLE, "no-healthy-host", "No image-library host available",
                    "Region " + target.region() + " has no registered image-library host that is UP. Check the host roles and the host monitor.");
            return;
        }
        tryHost(route.hosts().get(index));
    }

    /** Set before the attempt starts: a connect that fails at once moves on to the next host from inside begin(). */
    private void tryHost(Upstream host) {
        attempt = new Attempt(host, headers);
        attempt.begin();
    }

    /** The body broke after {@link #delivered} bytes: ask the other hosts for the rest, as the servlet path does. */
    private void resume(Upstream from) {
        if (resumes++ >= plane.properties().maxResumes()) {
            log.info("Download of {} broke {} times; giving up at byte {}", target.upstreamPath(), resumes, delivered);
            client.close();
            return;
        }
        broken = from;
        resumeBegan = System.nanoTime();
        route = plan();
        round = 1;
        index = -1;
        nextResume();
    }

    /** The next candidate for the rest of the body; the first plan leaves out the host that broke. */
    private void nextResume() {
        while (++index < route.hosts().size()) {
            Upstream candidate = route.hosts().get(index);
            if (round == 1 && candidate.hostId().equals(broken.hostId())) {
                continue;
            }
            List<Map.Entry<String, String>> ranged = new ArrayList<>(headers.stream()
                    .filter(header -> !header.getKey().equalsIgnoreCase("Range")).toList());
            ranged.add(Map.entry("Range", window.rangeAfter(delivered)));
            attempt = new Attempt(candidate, ranged);
            attempt.resuming = true;
            attempt.begin();
            return;
        }
        if (!attempts.mayPlanAgain(target, round, resumeBegan)) {
            metrics.resume(broken, "no-host");
            log.info("No healthy host could resume {} at byte {}", target.upstreamPath(), delivered);
            client.close();
            return;
        }
        client.eventLoop().schedule(() -> {
            if (clientGone) {
                return;
            }
            metrics.replan(target.region(), target.operation());
            route = plan();
            round++;
            index = -1;
            nextResume();
        }, attempts.readRounds().pause().toNanos(), TimeUnit.NANOSECONDS);
    }

    private Route plan() {
        Route planned = attempts.plan(target);
        if (planned.panic()) {
            metrics.panic(target.region(), target.operation());
            panic = true;
        }
        return planned;
    }

    /** The attempt failed before its answer: the next host, the next plan, or the end. Reads may always be retried. */
    private void next(Failure failure) {
        metrics.retry(target.region(), target.operation(), failure.name().toLowerCase());
        if (++index < route.hosts().size()) {
            tryHost(route.hosts().get(index));
            return;
        }
        if (!attempts.mayPlanAgain(target, round, began)) {
            giveUp();
            return;
        }
        client.eventLoop().schedule(() -> {
            if (clientGone) {
                return;
            }
            Route again = plan();
            if (again.isEmpty()) {
                giveUp();
                return;
            }
            metrics.replan(target.region(), target.operation());
            route = again;
            round++;
            index = 0;
            tryHost(route.hosts().get(index));
        }, attempts.readRounds().pause().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void giveUp() {
        String where = "Tried hosts " + tried + " of region " + target.region() + " over "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms";
        if (panic) {
            problem(HttpStatus.SERVICE_UNAVAILABLE, "no-healthy-host", "No image-library host available",
                    "Region " + target.region() + " has no host the monitor reports UP. " + where
                            + " anyway (panic mode); none could take the request.");
            return;
        }
        problem(HttpStatus.BAD_GATEWAY, "upstream-unavailable", "No image-library host answered",
                where + "; none could take the request.");
    }

    private void problem(HttpStatus status, String slug, String title, String detail) {
        if (clientGone) {
            return;
        }
        var response = DataPlane.problem(status, slug, title, detail);
        if (panic) {
            response.headers().set(ImageProxy.PANIC_HEADER, "true");
        }
        connection.answer(client, response, keepAlive);
    }

    void clientWritable(boolean writable) {
        if (attempt != null) {
            attempt.clientWritable(writable);
        }
    }

    void clientGone() {
        clientGone = true;
        if (attempt != null) {
            attempt.clientGone();
        }
    }

    private enum Phase { CONNECTING, AWAITING_HEAD, RESIDUE, SPLICING, COPYING, OVER }

    /** One host's try: connect, send the request, await the head, relay the body. Events after it is over are ignored. */
    private final class Attempt extends ChannelInboundHandlerAdapter implements SplicePump.Listener {
        private final Upstream host;
        private final List<Map.Entry<String, String>> requestHeaders;
        /** This attempt asks for the rest of a body another host broke off. */
        private boolean resuming;
        /** Connects anew: a kept connection this attempt's host closed before answering was not a failure of the host. */
        private boolean fresh;
        /** Sent on a kept connection ({@link UpstreamConnections}). */
        private boolean reused;
        /** Which kept connections could carry it, and whether it went back to them once over. */
        private String key;
        private boolean kept;
        /** Anything read from the host on this attempt; the answer's framing allows another request on the connection. */
        private boolean heard;
        private boolean hostKeepsAlive;
        private boolean bodyWhole;
        /** Body bytes this host sent to the client. */
        private long fromHost;
        private SplicePump pump;
        private final long started = System.nanoTime();
        private InFlightReads.Flight flight;
        private Channel upstream;
        private boolean tls;
        private Phase phase = Phase.CONNECTING;
        private ScheduledFuture<?> timer;
        private boolean timedOut;
        /** Set by {@link #over()}: later events of this attempt change nothing. */
        private boolean settled;
        private CompositeByteBuf residue;
        /** When the upstream socket last woke the event loop with data (or the client last drained): the idle clock. */
        private long lastProgress = System.nanoTime();

        Attempt(Upstream host, List<Map.Entry<String, String>> requestHeaders) {
            this.host = host;
            this.requestHeaders = requestHeaders;
        }

        void begin() {
            tried.add(host.hostId());
            flight = plane.inFlight().open(host.hostId());
            URI url;
            try {
                url = URI.create(ImageProxy.withoutTrailingSlash(host.baseUrl()) + target.pathAndQuery());
            } catch (IllegalArgumentException badQuery) {
                settled = true;
                phase = Phase.OVER;
                flight.close();
                problem(HttpStatus.BAD_REQUEST, "bad-path", "Request not forwarded", "The request target is not a valid URI.");
                return;
            }
            tls = "https".equalsIgnoreCase(url.getScheme());
            String name = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1) : url.getHost();
            int port = url.getPort() >= 0 ? url.getPort() : tls ? 443 : 80;
            byte[] requestHead = ImageDataClient.requestHead("GET", url, requestHeaders, "keep-alive");
            key = UpstreamConnections.key(host.hostId(), url.getScheme().toLowerCase(Locale.ROOT), name, port);
            Optional<Channel> idle = fresh || !plane.connections().policy().pools(target.operation()) ? Optional.empty()
                    : plane.connections().take(client.eventLoop(), key, host.hostId());
            if (idle.isPresent()) {
                reused = true;
                upstream = idle.get();
                upstream.pipeline().replace(UpstreamConnections.IDLE, ATTEMPT, this);
                metrics.upstreamConnection("reused");
                flight.onAbort(() -> client.eventLoop().execute(this::cut));
                send(requestHead);
                return;
            }
            metrics.upstreamConnection("new");
            ChannelFuture connect = new Bootstrap().group(client.eventLoop()).channel(EpollSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(plane.properties().connectTimeout().toMillis()))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<EpollSocketChannel>() {
                        @Override
                        protected void initChannel(EpollSocketChannel channel) {
                            if (tls) {
                                channel.pipeline().addLast(plane.tls().newHandler(channel.alloc(), name, port));
                            }
                            channel.pipeline().addLast(DECODER, new HttpResponseDecoder()).addLast(ATTEMPT, Attempt.this);
                        }
                    })
                    .connect(name, port);
            upstream = connect.channel();
            flight.onAbort(() -> client.eventLoop().execute(this::cut)); // a host leaving the live set, from any thread
            connect.addListener(connected -> {
                if (phase != Phase.CONNECTING) {
                    return;
                }
                if (!connected.isSuccess()) {
                    failedBeforeAnswer(HostFailures.Kind.CONNECTION_REFUSED, Failure.REFUSED);
                    return;
                }
                metrics.connected(host, started);
                send(requestHead);
            });
        }

        private void send(byte[] requestHead) {
            phase = Phase.AWAITING_HEAD;
            upstream.writeAndFlush(Unpooled.wrappedBuffer(requestHead));
            awaitHead(System.nanoTime(), plane.properties().timeouts().readHeaders());
        }

        /** Gives up on the head after {@code wait}, unless the host is serving other reads meanwhile (then waits on). */
        private void awaitHead(long sent, Duration wait) {
            timer = upstream.eventLoop().schedule(() -> {
                Optional<Duration> more = plane.properties().timeouts().moreWaitForHead(
                        Duration.ofNanos(System.nanoTime() - sent), plane.inFlight().sinceHeard(host.hostId()));
                if (more.isPresent()) {
                    awaitHead(sent, more.get());
                    return;
                }
                timedOut = true;
                upstream.close();
            }, wait.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            heard = true;
            switch (phase) {
                case AWAITING_HEAD -> {
                    if (message instanceof HttpResponse head) {
                        head(head);
                    }
                    ReferenceCountUtil.release(message);
                }
                case RESIDUE -> {
                    if (message instanceof ByteBuf bytes) {
                        residue.addComponent(true, bytes);
                    } else {
                        ReferenceCountUtil.release(message);
                    }
                }
                case COPYING -> copy((HttpContent) message);
                case SPLICING -> passOn((ByteBuf) message);
                default -> ReferenceCountUtil.release(message); // after the body, nothing matters
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            lastProgress = System.nanoTime();
            flight.progressed(1);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (phase == Phase.AWAITING_HEAD && reused && !heard && !timedOut && !flight.aborted() && !settled) {
                again(); // the host closed the kept connection as we sent on it (its own keep-alive wait ran out)
            } else if (phase == Phase.AWAITING_HEAD) {
                failedBeforeAnswer(timedOut ? HostFailures.Kind.TIMEOUT : HostFailures.Kind.RESET, Failure.LOST_AFTER_SEND);
            } else if (phase == Phase.COPYING) {
                brokeAfterAnswer(); // the decoder ends a body read until close with its last content before this
            } else if (phase == Phase.SPLICING) {
                brokeAfterAnswer(); // Netty closed it on a FIN or an error before the pump took the socket
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("Upstream {} of {} failed: {}", host.hostId(), target.upstreamPath(), cause.toString());
            ctx.close();
        }

        private void head(HttpResponse head) {
            if (head.decoderResult().isFailure()) {
                upstream.close(); // reported as a reset by channelInactive
                return;
            }
            int status = head.status().code();
            if (status < 200) {
                return; // interim answer: the decoder goes on to the final one
            }
            timer.cancel(false);
            hostKeepsAlive = HttpUtil.isKeepAlive(head);
            if (resuming) {
                resumedBy(head, status);
                return;
            }
            if (RetryPolicy.hostFailed(target.operation(), status)) {
                plane.inFlight().troubled(host.hostId());
                attempts.answeredAsFailure(host, target, status, started);
                // Decided after the answer: the budget may have run out while this host took its time.
                boolean lastChance = index == route.hosts().size() - 1 && !attempts.mayPlanAgain(target, round, began);
                if (!lastChance) {
                    over();
                    next(Failure.UNAVAILABLE);
                    return;
                }
            } else {
                metrics.attempt(host, target.operation(), ProxyMetrics.statusOutcome(status), started);
            }
            relay(head, status);
        }

        /** The answer to a Range request for the rest: spliced on if it is exactly the missing bytes, else the next host. */
        private void resumedBy(HttpResponse head, int status) {
            if (RetryPolicy.hostFailed(target.operation(), status)) {
                plane.inFlight().troubled(host.hostId());
                attempts.answeredAsFailure(host, target, status, started);
            } else {
                metrics.attempt(host, target.operation(), ProxyMetrics.statusOutcome(status), started);
            }
            if (!tls && !HttpUtil.isTransferEncodingChunked(head)
                    && window.resumedBy(status, head.headers().get(HttpHeaderNames.CONTENT_RANGE), delivered)
                    && ResumeWindow.sameChecksum(checksum, head.headers().get("Content-MD5"))) {
                metrics.resume(host, "resumed");
                log.info("Resumed {} at byte {} on host {} (region {}) after host {} broke",
                        target.upstreamPath(), delivered, host.hostId(), host.region(), broken.hostId());
                splice(null, window.length() - delivered);
                return;
            }
            metrics.resume(host, "mismatch");
            over();
            nextResume();
        }

        private void relay(HttpResponse head, int status) {
            DefaultHttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status());
            head.headers().forEach(header -> {
                if (ForwardedHeaders.toClient(header.getKey())) {
                    out.headers().add(header.getKey(), header.getValue());
                }
            });
            if (panic) {
                out.headers().set(ImageProxy.PANIC_HEADER, "true");
            }
            if (!keepAlive) {
                out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            boolean chunked = HttpUtil.isTransferEncodingChunked(head);
            long length = chunked ? -1 : HttpUtil.getContentLength(head, -1L);
            DataPath path = DataPath.of(status, length, chunked, tls);
            path.copyReason().ifPresent(metrics::copied);
            switch (path) {
                case NONE -> {
                    client.write(out);
                    end(); // not kept: the decoder may still pass on the empty body after the head
                }
                case SPLICE -> {
                    window = target.operation() != ImageOperation.DOWNLOAD ? null : ResumeWindow.of(status,
                            OptionalLong.of(length), head.headers().get(HttpHeaderNames.CONTENT_RANGE)).orElse(null);
                    checksum = head.headers().get("Content-MD5");
                    splice(out, length);
                }
                default -> {
                    if (path != DataPath.COPY_TLS || length < 0) { // re-framed for the client, which may keep the connection
                        out.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
                        HttpUtil.setTransferEncodingChunked(out, true);
                    }
                    phase = Phase.COPYING;
                    client.writeAndFlush(out);
                    watchIdle();
                }
            }
        }

        /**
         * The head ({@code null} on a resume: the client has it) and whatever body bytes came in with it are written
         * through the codec; then the rest goes socket -> pipe -> socket ({@link SplicePump}). The decoder is removed
         * first: it hands back the body bytes it holds (as one ByteBuf, into {@link #residue}) and nothing more is read
         * into user space.
         */
        private void splice(DefaultHttpResponse out, long length) {
            upstream.config().setAutoRead(false);
            residue = upstream.alloc().compositeBuffer();
            phase = Phase.RESIDUE;
            upstream.pipeline().remove(DECODER);
            long rest = length - residue.readableBytes();
            if (rest < 0) { // more than Content-Length: not a body we can vouch for
                residue.release();
                brokeAfterAnswer();
                return;
            }
            phase = Phase.SPLICING;
            if (out != null) {
                client.write(out);
            }
            if (residue.isReadable()) {
                received(residue.readableBytes());
            }
            client.writeAndFlush(new DefaultHttpContent(residue));
            if (rest == 0) { // the whole body came with the head, as a small JSON answer does: no pipe needed
                bodyWhole = true;
                end();
                return;
            }
            watchIdle();
            try {
                pump = new SplicePump((EpollSocketChannel) upstream, (EpollSocketChannel) client, rest, plane.pipeBytes(), this);
            } catch (IOException noPipe) {
                broke(noPipe);
                return;
            }
            pump.start(); // its regions queue behind the head and the residue on the client channel
        }

        /** Body bytes Netty read before the pump took the socket: passed on through the codec and counted, like the residue. */
        private void passOn(ByteBuf bytes) {
            int length = bytes.readableBytes();
            if (length > pump.left()) {
                bytes.release(); // more than Content-Length: not a body we can vouch for
                brokeAfterAnswer();
                return;
            }
            received(length);
            client.writeAndFlush(new DefaultHttpContent(bytes));
            pump.readElsewhere(length);
        }

        @Override
        public void received(int bytes) {
            lastProgress = System.nanoTime();
            flight.progressed(bytes);
            if (target.operation() == ImageOperation.DOWNLOAD) { // the monitor's busy evidence, as on the servlet path
                attempts.served(host);
            }
            fromHost += bytes;
            delivered += bytes;
        }

        @Override
        public void finished() {
            if (phase == Phase.SPLICING) {
                end();
            }
        }

        @Override
        public void broke(IOException cause) {
            log.debug("Upstream {} of {} broke mid-body: {}", host.hostId(), target.upstreamPath(), cause.toString());
            brokeAfterAnswer();
        }

        /** Ends the host's part mid-way (idle timeout; a cut, from any thread through the event loop). */
        private void cut() {
            if (settled) {
                return; // its connection may carry another read by now
            }
            if (phase == Phase.SPLICING) {
                brokeAfterAnswer(); // the pump reads no more: what it received is all that reaches the client
            } else if (upstream != null) {
                upstream.close(); // channelInactive or the connect listener takes it from here
            }
        }

        /** A host that sends nothing mid-body for the idle timeout is cut, as on the servlet path (slow clients excepted). */
        private void watchIdle() {
            long idle = plane.properties().timeouts().idle().toNanos();
            timer = upstream.eventLoop().schedule(() -> {
                if (phase != Phase.SPLICING && phase != Phase.COPYING) {
                    return;
                }
                if (phase == Phase.SPLICING ? pump != null && pump.draining() : !upstream.config().isAutoRead()) {
                    lastProgress = System.nanoTime(); // waiting on the client, not on the host
                } else if (System.nanoTime() - lastProgress >= idle) {
                    timedOut = true;
                    cut();
                    return;
                }
                watchIdle();
            }, idle / 4, TimeUnit.NANOSECONDS);
        }

        private void copy(HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            client.writeAndFlush(content).addListener(written -> {
                if (written.isSuccess() && last) {
                    end();
                }
            });
            if (last) {
                phase = Phase.OVER;
                upstream.config().setAutoRead(false);
            } else if (!client.isWritable()) {
                upstream.config().setAutoRead(false);
            }
        }

        void clientWritable(boolean writable) {
            if (writable && phase == Phase.COPYING) {
                upstream.config().setAutoRead(true);
            }
        }

        /** The whole body is on its way to the client: {@link #fromHost} bytes from this host (0 if copied). */
        private void end() {
            kept = upstream.isActive() && plane.connections().policy().keep(new UpstreamKeepAlive.Finished(target.operation(),
                    tls, hostKeepsAlive, bodyWhole, plane.connections().idleCount(upstream.eventLoop(), key)));
            over();
            if (kept) { // a fresh decoder, and the pool's handler in place of this attempt
                upstream.pipeline().addBefore(ATTEMPT, DECODER, new HttpResponseDecoder());
                upstream.pipeline().remove(this);
                plane.connections().putBack(upstream.eventLoop(), key, upstream);
            }
            if (fromHost > 0) {
                metrics.bytes(host, "download", fromHost);
            }
            client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT) // resets the codec for the next response
                    .addListener(written -> connection.finished(client, keepAlive && written.isSuccess()));
        }

        /** The body broke after its head reached the client: report the host, resume a spliced body, else close. */
        private void brokeAfterAnswer() {
            if (settled) {
                return;
            }
            boolean cut = flight.aborted();
            boolean resumable = phase == Phase.SPLICING && window != null;
            over();
            if (clientGone) {
                return;
            }
            if (!cut) {
                plane.inFlight().troubled(host.hostId());
                attempts.failed(host, target, timedOut ? HostFailures.Kind.TIMEOUT : HostFailures.Kind.RESET,
                        System.nanoTime(), Failure.LOST_AFTER_SEND);
            }
            if (fromHost > 0) {
                metrics.bytes(host, "download", fromHost);
            }
            if (resumable) {
                resume(host);
                return;
            }
            if (target.operation() == ImageOperation.DOWNLOAD) {
                metrics.resume(host, "not-on-data-plane");
            }
            log.info("{} of {} from host {} (region {}) broke mid-body; a copied or metadata body (or one without a known"
                    + " span) is not resumed, so the client connection is closed", target.operation(), target.upstreamPath(),
                    host.hostId(), host.region());
            client.close();
        }

        private void failedBeforeAnswer(HostFailures.Kind kind, Failure failure) {
            if (settled) {
                return;
            }
            over();
            if (clientGone) {
                return;
            }
            if (flight.aborted()) {
                metrics.attempt(host, target.operation(), "aborted", started);
                if (resuming) {
                    nextResume();
                } else {
                    next(Failure.LOST_AFTER_SEND);
                }
                return;
            }
            plane.inFlight().troubled(host.hostId());
            Failure reported = attempts.failed(host, target, kind, started, failure);
            if (resuming) {
                nextResume();
            } else {
                next(reported);
            }
        }

        void clientGone() {
            over();
        }

        /** Ends this attempt: its events are ignored from now on, its connection and in-flight entry released. */
        private void over() {
            if (settled) {
                return;
            }
            settled = true;
            phase = Phase.OVER;
            if (timer != null) {
                timer.cancel(false);
            }
            flight.close();
            if (pump != null) {
                pump.stop(); // before the socket it watches is closed
            }
            if (upstream != null && !kept) {
                upstream.close();
            }
        }

        /** The same request to the same host on a new connection; nothing is reported of the host. */
        private void again() {
            over();
            metrics.upstreamConnection("stale");
            if (clientGone) {
                return;
            }
            attempt = new Attempt(host, requestHeaders);
            attempt.resuming = resuming;
            attempt.fresh = true;
            attempt.begin();
        }
    }
}
