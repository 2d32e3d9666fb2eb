package io.imagelib.router.domain;

/** A request the router refuses to forward; the slug names the broken rule (problem type). */
public final class InvalidTarget extends RuntimeException {

    private final String slug;

    public InvalidTarget(String slug, String detail) {
        super(detail, null, false, false);
        this.slug = slug;
    }

    public String slug() {
        return slug;
    }
}
