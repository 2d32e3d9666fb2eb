package io.imagelib.router.web;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.FileRegion;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.AbstractReferenceCounted;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.WritableByteChannel;

/**
 * One body moved upstream socket -> a pipe of its own -> client socket with splice(2), on the event loop both
 * connections share, counting every byte. Netty's {@code spliceTo} cannot be used for a body that may be resumed: when
 * it fails it does not say how many bytes it had moved into the client's pipe, and when the socket errs between two of
 * its splice calls the bytes of the first are left in that pipe uncounted. Here each splice(2) result is reported
 * ({@link Listener#received}) as it happens, and every byte received is in this pump's pipe or already sent: when the
 * host breaks, all of them still reach the client, so the count is exactly where a resume starts.
 * <p>
 * The upstream socket is taken off its Netty channel (deregistered) and its reads are watched here. While nothing else
 * is queued for the client, each readiness event relays in turns, host -> pipe -> client socket, with no trip through
 * the event loop or the client's pipeline per pipeful (as HAProxy does). When the client cannot take the pipe's bytes
 * (or the response head is still queued) they become a {@link FileRegion} written through the client channel, so Netty's
 * own EPOLLOUT handling paces them, and the host is read again once that region is out.
 */
final class SplicePump implements EpollIoHandle {

    /** What the pump tells its download, on the event loop. */
    interface Listener {
        /** {@code bytes} more of the body came from the host; they reach the client unless the client goes. */
        void received(int bytes);

        /** The whole body is on the client socket. */
        void finished();

        /** The host ended the body early or failed; every byte {@link #received} reaches the client. */
        void broke(IOException cause);
    }

    private static final EpollIoOps READ = EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLRDHUP);
    /** Reads paused while the pipe drains; EPOLL_CTL_DEL would end the registration, so only errors are left on. */
    private static final EpollIoOps PAUSED = EpollIoOps.EPOLLET;
    /** Most asked of one splice call; a pipe takes 64 KiB by default (more if set larger), the call moves what fits. */
    private static final int MOST = 1 << 20;
    /** Host -> pipe -> client turns per readiness event, as Netty reads at most 16 times per event. */
    private static final int TURNS = 16;

    private final AbstractEpollStreamChannel upstream;
    private final Channel client;
    private final int clientFd;
    private final Listener listener;
    private final FileDescriptor pipeOut;
    private final FileDescriptor pipeIn;
    private long left;
    private IoRegistration registration;
    /** Bytes in the pipe handed to Netty as one region (the client was full); the host is not read while there are any. */
    private int inPipe;
    /** Bytes in the pipe not yet sent to the client nor handed to Netty. */
    private int pending;
    private boolean paused;
    private boolean stopped;

    /** {@code pipeBytes}: the pipe's capacity to ask for ({@link PipeSize}); 0 keeps the kernel's 64 KiB. */
    SplicePump(AbstractEpollStreamChannel upstream, AbstractEpollStreamChannel client, long length, int pipeBytes,
               Listener listener) throws IOException {
        this.upstream = upstream;
        this.client = client;
        this.clientFd = client.fd().intValue();
        this.listener = listener;
        this.left = length;
        FileDescriptor[] pipe = FileDescriptor.pipe();
        this.pipeIn = pipe[0];
        this.pipeOut = pipe[1];
        if (pipeBytes > 0) {
            PipeSize.set(pipeOut.intValue(), pipeBytes); // refused: the default pipe still works, with more calls
        }
    }

    /**
     * Takes the upstream socket off its channel and starts reading it ({@code length} > 0); {@link #stop()} before
     * closing that channel.
     */
    void start() {
        upstream.deregister().addListener(deregistered -> {
            if (stopped) {
                return;
            }
            if (!deregistered.isSuccess() || !upstream.isOpen()) { // closed by Netty on an error before it let go
                fail(new IOException("The host's connection ended before the splice began", deregistered.cause()));
                return;
            }
            ((IoEventLoop) upstream.eventLoop()).register(this).addListener(registered -> {
                if (!registered.isSuccess()) {
                    fail(new IOException("Could not watch the upstream socket", registered.cause()));
                    return;
                }
                registration = (IoRegistration) registered.getNow();
                if (stopped) {
                    registration.cancel();
                    return;
                }
                try {
                    registration.submit(READ);
                } catch (UncheckedIOException e) {
                    fail(e.getCause());
                }
            });
        });
    }

    /** Bytes of the body not yet taken from the host. */
    long left() {
        return left;
    }

    /**
     * {@code bytes} (at most {@link #left()}) of the body that Netty read off the socket before the pump took it (it
     * reads on a FIN or an error event even with auto-read off), and the caller passed on.
     */
    void readElsewhere(int bytes) {
        left -= bytes;
        if (left == 0 && !stopped) {
            finish();
        }
    }

    @Override
    public FileDescriptor fd() {
        return upstream.fd();
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        if (stopped || inPipe > 0) {
            return;
        }
        IOException failure = null;
        boolean hostDry = false;
        try {
            // Relay in turns, host -> pipe -> client, while both keep up: no trip through the event loop or the client's
            // pipeline per pipeful. A bounded number of turns, so the loop's other connections are served too.
            for (int turn = 0; turn < TURNS && !stopped && left > 0 && !hostDry; turn++) {
                hostDry = fill() == 0;
                if (pending > 0 && !drainDirectly()) {
                    break; // the client is full or gone: Netty's EPOLLOUT handling takes the rest
                }
            }
        } catch (IOException e) {
            failure = e; // bytes moved by earlier turns are in the pipe: they go out first
        }
        if (stopped) {
            return;
        }
        if (pending > 0) {
            send(pending);
        } else if (left == 0) {
            finish();
            return;
        }
        EpollIoOps ops = ((EpollIoEvent) event).ops();
        if (failure == null && hostDry && (ops.contains(EpollIoOps.EPOLLRDHUP) || ops.contains(EpollIoOps.EPOLLERR))) {
            failure = new EOFException("The host closed the connection " + left + " bytes before the end of the body");
        }
        if (failure != null) {
            fail(failure);
        }
    }

    /**
     * Host -> empty pipe, one call: it moves what the host has now, up to what the pipe takes (a second call would
     * mostly meet a full pipe, a wasted EAGAIN per turn; HAProxy stops at a full pipe too). The bytes moved.
     */
    private int fill() throws IOException {
        int got = Native.splice(upstream.fd().intValue(), -1, pipeOut.intValue(), -1, (int) Math.min(left, MOST));
        if (got > 0) {
            left -= got;
            pending += got;
            listener.received(got);
        }
        return got;
    }

    /**
     * Pipe -> client while nothing else is queued for the client (the response head and first bytes go through Netty
     * first): whether the pipe is empty. A client error closes the client channel, which tells the download.
     */
    private boolean drainDirectly() {
        ChannelOutboundBuffer queued = client.unsafe().outboundBuffer();
        if (queued == null || queued.totalPendingWriteBytes() > 0) {
            return false;
        }
        try {
            for (int n; pending > 0 && (n = Native.splice(pipeIn.intValue(), -1, clientFd, -1, pending)) > 0; ) {
                pending -= n;
            }
        } catch (IOException clientGone) {
            stop();
            client.close();
            return false;
        }
        return pending == 0;
    }

    private void send(int bytes) {
        inPipe = bytes;
        pending = 0;
        ChannelFuture sent = client.writeAndFlush(new PipeRegion(bytes));
        if (!sent.isDone() && !stopped) {
            paused = true;
            registration.submit(PAUSED);
        }
        sent.addListener(written -> {
            inPipe = 0;
            if (!written.isSuccess()) {
                stop(); // the client is gone; its channel tells the download
            } else if (stopped) {
                closePipe();
            } else if (left == 0) {
                finish();
            } else if (paused) {
                paused = false;
                registration.submit(READ);
            }
        });
    }

    /** The whole body is out of the host and, with the pipe empty, sent. */
    private void finish() {
        stop();
        listener.finished();
    }

    private void fail(IOException cause) {
        stop();
        listener.broke(cause);
    }

    /** Reads no more; what is in the pipe still goes out. Idempotent; call it before the upstream channel is closed. */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (registration != null) {
            registration.cancel();
        }
        if (inPipe == 0) {
            closePipe();
        }
    }

    /** The loop is shutting down. */
    @Override
    public void close() {
        stop();
    }

    /** Whether the pump waits for the client to take the pipe's bytes (the host is not being waited for). */
    boolean draining() {
        return inPipe > 0;
    }

    private void closePipe() {
        try {
            pipeIn.close();
            pipeOut.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }

    /** The pipe's next {@code count} bytes, spliced into the client socket when Netty writes the region. */
    private final class PipeRegion extends AbstractReferenceCounted implements FileRegion {
        private final long count;
        private long transferred;

        PipeRegion(long count) {
            this.count = count;
        }

        @Override
        public long transferTo(WritableByteChannel target, long position) throws IOException {
            int moved = Native.splice(pipeIn.intValue(), -1, clientFd, -1, count - transferred);
            transferred += moved;
            return moved;
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        public long transferred() {
            return transferred;
        }

        @Override
        @Deprecated
        public long transfered() {
            return transferred;
        }

        @Override
        public long count() {
            return count;
        }

        @Override
        public PipeRegion retain() {
            super.retain();
            return this;
        }

        @Override
        public PipeRegion retain(int increment) {
            super.retain(increment);
            return this;
        }

        @Override
        public PipeRegion touch() {
            return this;
        }

        @Override
        public PipeRegion touch(Object hint) {
            return this;
        }

        @Override
        protected void deallocate() {
            // the pipe is the pump's
        }
    }
}
