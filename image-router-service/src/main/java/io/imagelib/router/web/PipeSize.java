package io.imagelib.router.web;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

/**
 * A pipe's capacity, set with fcntl(F_SETPIPE_SZ): Netty exposes no fcntl and Java 21 has no final foreign-function
 * API, so JNA's direct mapping calls libc. A larger pipe lets each splice(2) pair of {@link SplicePump} move more.
 */
final class PipeSize {

    private static final int F_SETPIPE_SZ = 1031;

    static {
        Native.register("c");
    }

    private PipeSize() {
    }

    /**
     * Asks for {@code bytes} (rounded up by the kernel to a power of two pages); the capacity given, or -1 if refused
     * (above /proc/sys/fs/pipe-max-size, or the user's pipe pages used up): the pipe then keeps its size.
     */
    static int set(int pipeFd, int bytes) {
        try {
            return fcntl(pipeFd, F_SETPIPE_SZ, bytes);
        } catch (LastErrorException refused) {
            return -1;
        }
    }

    private static native int fcntl(int fd, int command, int argument) throws LastErrorException;
}
