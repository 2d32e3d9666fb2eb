package io.imagelib.support.web;

import java.io.IOException;
import java.net.URI;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Tomcat's own error reports as problem+json instead of its HTML page. Tomcat answers some requests before any
 * servlet or filter sees them (an encoded slash or a NUL in the path, an unparseable request target), so neither
 * Spring MVC's exception handling nor our filters can shape those answers; this valve does.
 */
public final class ProblemJsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setType(URI.create(Problems.TYPE_BASE + (status == 400 ? "invalid-request-target" : Problems.genericSlug(status))));
        problem.setTitle(known != null ? known.getReasonPhrase() : "HTTP " + status);
        problem.setDetail(status == 400
                ? "The request was refused before it reached the service: its target or headers are not valid HTTP"
                        + " or use encodings we refuse (encoded slashes or backslashes, NUL, invalid percent escapes)."
                : "The server answered " + status + " before the request reached the service.");
        try {
            response.resetBuffer();
            ProblemResponses.write(response.getResponse(), problem);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is committed: nothing left to tell it
        }
    }
}
