package io.imagelib.monitor.probe;

import io.imagelib.monitor.domain.ProbeOutcome;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;

/** Maps what the JDK HttpClient throws to a probe outcome. */
final class ProbeFailures {

    private ProbeFailures() {
    }

    static ProbeOutcome classify(Throwable failure) {
        // The async client wraps the cause (CompletionException, IOException around ConnectException): walk the chain.
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return ProbeOutcome.TIMEOUT;
            }
            if (t instanceof ConnectException) {
                return ProbeOutcome.REFUSED;
            }
        }
        return ProbeOutcome.IO_ERROR;
    }
}
