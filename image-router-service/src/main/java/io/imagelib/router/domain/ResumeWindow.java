package io.imagelib.router.domain;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes of an image a client is receiving ({@code first..last} of {@code total}), from the first upstream
 * response. When that upstream breaks after {@code delivered} bytes, the rest is asked for with a Range request and
 * the answer must be exactly the missing span, or it is not used.
 */
public record ResumeWindow(long first, long last, long total) {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    /** Resumable only when the response says exactly which bytes it carries. */
    public static Optional<ResumeWindow> of(int status, OptionalLong contentLength, String contentRange) {
        if (status == 200 && contentLength.isPresent() && contentLength.getAsLong() > 0) {
            long length = contentLength.getAsLong();
            return Optional.of(new ResumeWindow(0, length - 1, length));
        }
        if (status == 206 && contentRange != null) {
            return parseContentRange(contentRange);
        }
        return Optional.empty();
    }

    public long length() {
        return last - first + 1;
    }

    /** The Range header that asks for what is still missing after {@code delivered} bytes. */
    public String rangeAfter(long delivered) {
        return "bytes=" + (first + delivered) + "-" + last;
    }

    /** True when a resumed response carries exactly the missing bytes of the same image size. */
    public boolean resumedBy(int status, String contentRange, long delivered) {
        return status == 206 && parseContentRange(contentRange)
                .filter(span -> span.first == first + delivered && span.last == last && span.total == total)
                .isPresent();
    }

    /** The rest comes from the same image: a resumed answer's Content-MD5, when both answers say one, is the first's. */
    public static boolean sameChecksum(String first, String resumed) {
        return first == null || resumed == null || first.equals(resumed);
    }

    private static Optional<ResumeWindow> parseContentRange(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ResumeWindow(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
    }
}
