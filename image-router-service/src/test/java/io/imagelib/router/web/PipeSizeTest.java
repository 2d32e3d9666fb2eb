package io.imagelib.router.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class PipeSizeTest {

    @Test
    void aPipeGrowsToTheCapacityAskedForAndAnImpossibleSizeIsRefused() throws IOException {
        Epoll.ensureAvailability(); // loads Netty's native library, which FileDescriptor.pipe() needs
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            assertThat(PipeSize.set(pipe[1].intValue(), 1 << 20)).isEqualTo(1 << 20);
            assertThat(PipeSize.set(pipe[1].intValue(), 100_000)).as("rounded up to a power of two pages").isEqualTo(128 * 1024);
            assertThat(PipeSize.set(-1, 1 << 20)).as("not a pipe: refused, not thrown").isEqualTo(-1);
        } finally {
            pipe[0].close();
            pipe[1].close();
        }
    }
}
