package io.imagelib.support.web;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * RFC 9457 problems with imagelib type URIs. Throw {@code Problems.of(...)} from a controller; Spring MVC renders
 * it as {@code application/problem+json}.
 */
public final class Problems {

    public static final String TYPE_BASE = "https://imagelib.io/problems/";

    private Problems() {
    }

    /**
     * @param slug   stable machine-readable name of the broken rule, e.g. {@code local-storage-multi-host}
     * @param title  short human summary of the rule
     * @param detail what exactly is wrong here and how to fix it
     */
    public static ErrorResponseException of(HttpStatus status, String slug, String title, String detail) {
        return new ErrorResponseException(status, detail(status, slug, title, detail), null);
    }

    public static ProblemDetail detail(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + slug));
        problem.setTitle(title);
        return problem;
    }

    /** The type slug of a problem that breaks no rule of ours, only HTTP's (an unknown path, a wrong method...). */
    public static String genericSlug(int status) {
        return switch (status) {
            case 400 -> "rejected-request";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 415 -> "unsupported-media-type";
            default -> "http-" + status;
        };
    }
}
