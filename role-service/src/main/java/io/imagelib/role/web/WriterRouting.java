package io.imagelib.role.web;

import io.imagelib.role.domain.WriterRoute;
import io.imagelib.role.domain.WriterRules;
import io.imagelib.role.domain.WriterView;
import io.imagelib.role.kafka.KafkaRoleLog;
import io.imagelib.support.web.Problems;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Sends every role change to the writer replica: handled here when this replica holds the writer lease, passed on
 * unchanged (method, path, query, token, body) to the writer otherwise. While no writer is known (a replica just
 * started, the lease is moving) the change waits up to {@code waitForWriter}, then is refused with 503 and
 * {@code Retry-After}. Runs after authentication and the body limit, before the body is parsed.
 */
public final class WriterRouting implements HandlerInterceptor {

    /** Marks a request one replica passed to another, so it is never passed on twice. */
    static final String FORWARDED_BY = "X-Imagelib-Forwarded-By";
    private static final List<String> PASSED_ON = List.of("Authorization", "Content-Type", "Accept", "X-Request-Id");
    private static final List<String> PASSED_BACK = List.of("Content-Type", "Location", "Retry-After");

    private static final Duration WAIT_STEP = Duration.ofMillis(50);
    private static final Logger log = LoggerFactory.getLogger(WriterRouting.class);

    private final Supplier<WriterView> writer;
    private final MeterRegistry meters;
    private final Duration forwardTimeout;
    private final Duration waitForWriter;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /**
     * @param forwardTimeout how long the writer may take to answer a passed-on change (probe + publish)
     * @param waitForWriter  how long a change waits for a writer to be known before it is refused
     */
    public WriterRouting(Supplier<WriterView> writer, MeterRegistry meters, Duration forwardTimeout, Duration waitForWriter) {
        this.writer = writer;
        this.meters = meters;
        this.forwardTimeout = forwardTimeout;
        this.waitForWriter = waitForWriter;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        if (!isChange(request.getMethod())) {
            return true;
        }
        boolean forwarded = request.getHeader(FORWARDED_BY) != null;
        long deadline = System.nanoTime() + waitForWriter.toNanos();
        WriterView view = writer.get();
        WriterRoute route = WriterRules.route(view, forwarded);
        while (route instanceof WriterRoute.Unavailable && System.nanoTime() < deadline) {
            Thread.sleep(WAIT_STEP);
            view = writer.get();
            route = WriterRules.route(view, forwarded);
        }
        meters.counter("imagelib.role.writer.routes", "route", route.outcome()).increment();
        return switch (route) {
            case WriterRoute.Local local -> true;
            case WriterRoute.Forward forward -> {
                forward(request, response, forward.writerUrl(), view.selfUrl());
                yield false;
            }
            case WriterRoute.Unavailable unavailable -> throw noWriter(unavailable.detail());
        };
    }

    private void forward(HttpServletRequest request, HttpServletResponse response, String writerUrl, String selfUrl)
            throws IOException, InterruptedException {
        String target = writerUrl + request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        HttpRequest.Builder call = HttpRequest.newBuilder(URI.create(target)).timeout(forwardTimeout)
                .method(request.getMethod(), HttpRequest.BodyPublishers.ofByteArray(request.getInputStream().readAllBytes()))
                .header(FORWARDED_BY, selfUrl);
        PASSED_ON.forEach(name -> {
            String value = request.getHeader(name);
            if (value != null) {
                call.header(name, value);
            }
        });
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(call.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            log.warn("Could not pass a role change on to the writer {}: {}", writerUrl, e.toString());
            throw noWriter("The writer replica " + writerUrl + " did not answer (" + e.getClass().getSimpleName()
                    + "); the writer lease moves to another replica within its session timeout.");
        }
        response.setStatus(answer.statusCode());
        PASSED_BACK.forEach(name -> answer.headers().firstValue(name).ifPresent(value -> response.setHeader(name, value)));
        response.getOutputStream().write(answer.body());
    }

    private static ErrorResponseException noWriter(String detail) {
        ErrorResponseException problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "no-writer",
                "No role-service replica can write right now", detail + " Repeat the same request shortly: it is idempotent.");
        problem.getHeaders().set("Retry-After", KafkaRoleLog.RETRY_AFTER_SECONDS);
        return problem;
    }

    private static boolean isChange(String method) {
        return "PUT".equals(method) || "DELETE".equals(method);
    }
}
