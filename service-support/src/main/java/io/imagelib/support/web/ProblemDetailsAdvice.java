package io.imagelib.support.web;

import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every MVC error as problem+json. Unreadable bodies (malformed JSON, unknown enum values, wrong types) get a
 * detail that names the problem without echoing the whole body back.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        String cause = ex.getMostSpecificCause().getMessage();
        String firstLine = cause == null ? "unreadable body" : cause.lines().findFirst().orElse(cause);
        if (firstLine.length() > 300) {
            firstLine = firstLine.substring(0, 300) + "...";
        }
        var problem = Problems.detail(HttpStatus.BAD_REQUEST, "malformed-body", "Malformed request body",
                "The request body is not valid for this operation: " + firstLine);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /** Spring's own problems (unknown path, wrong method, unsupported media type...) get an imagelib type too. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
                                                          WebRequest request) {
        if (body instanceof ProblemDetail problem
                && (problem.getType() == null || URI.create("about:blank").equals(problem.getType()))) {
            problem.setType(URI.create(Problems.TYPE_BASE + Problems.genericSlug(statusCode.value())));
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }
}
