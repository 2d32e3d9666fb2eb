package io.imagelib.deploy.local;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/** Actions a stack runs at once because each waits on its own process (a start-up, a shutdown). */
public final class Parallel {

    private Parallel() {
    }

    /** Runs {@code action} on every item at once and returns when all are done; a failure is rethrown as itself. */
    public static <T> void each(Collection<T> items, Consumer<T> action) {
        try {
            CompletableFuture.allOf(items.stream().map(item -> CompletableFuture.runAsync(() -> action.accept(item)))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
