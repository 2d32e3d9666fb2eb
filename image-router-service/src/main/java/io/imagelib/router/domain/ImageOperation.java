package io.imagelib.router.domain;

import java.util.List;

/** What a Glance v2 request does, which decides where it may go and whether it may be replayed. */
public enum ImageOperation {
    /** GET/HEAD of metadata, lists, schemas. */
    READ(true),
    /** GET/HEAD /v2/images/{id}/file: resumable with Range. */
    DOWNLOAD(true),
    /** POST /v2/images. */
    CREATE(false),
    /** PUT /v2/images/{id}/file. */
    UPLOAD(false),
    /** PUT /v2/images/{id}/stage. */
    STAGE(false),
    /** POST /v2/images/{id}/import. */
    IMPORT(false),
    /** PATCH, DELETE and any other mutation. */
    WRITE(false);

    private final boolean read;

    ImageOperation(boolean read) {
        this.read = read;
    }

    /** Reads go round robin over healthy hosts; everything else goes to the admin endpoint first. */
    public boolean isRead() {
        return read;
    }

    public static ImageOperation of(String method, List<String> v2Segments) {
        boolean imageScoped = v2Segments.size() >= 2 && v2Segments.get(0).equals("images");
        String sub = imageScoped && v2Segments.size() == 3 ? v2Segments.get(2) : null;
        return switch (method) {
            case "GET", "HEAD" -> "file".equals(sub) ? DOWNLOAD : READ;
            case "POST" -> v2Segments.equals(List.of("images")) ? CREATE : "import".equals(sub) ? IMPORT : WRITE;
            case "PUT" -> "file".equals(sub) ? UPLOAD : "stage".equals(sub) ? STAGE : WRITE;
            case "PATCH", "DELETE" -> WRITE;
            default -> throw new InvalidTarget("method-not-allowed", "Method " + method + " is not part of the image API.");
        };
    }
}
