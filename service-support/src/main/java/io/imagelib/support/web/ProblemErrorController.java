package io.imagelib.support.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Boot's {@code /error} page as problem+json. Errors sent with {@code sendError} outside Spring MVC's exception
 * handling land here: Spring Security's firewall refusing {@code ..} or {@code ;} in a path, a filter's 4xx, a
 * servlet exception. Boot's default answer is its own JSON shape (timestamp, error, path) or a Whitelabel page.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        HttpStatus status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
                && HttpStatus.resolve(code) != null ? HttpStatus.valueOf(code) : HttpStatus.INTERNAL_SERVER_ERROR;
        String detail = status.is4xxClientError()
                ? "The request was refused before it reached the API: " + explanation(status)
                : "The server failed to handle the request; see its log for the cause.";
        // No "instance": the refused path may not even be a valid URI, and echoing it helps no one.
        ProblemDetail problem = Problems.detail(status, Problems.genericSlug(status.value()), status.getReasonPhrase(), detail);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static String explanation(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "its path holds segments we refuse (such as '..', './', ';', '//', encoded slashes or "
                    + "backslashes, or control characters). Send the canonical path.";
            case NOT_FOUND -> "no resource has this path.";
            default -> status.value() + " " + status.getReasonPhrase() + ".";
        };
    }
}
