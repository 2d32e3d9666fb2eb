package io.imagelib.router.domain;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a client request goes: the region, the Glance path to ask for and what the request does. The path is
 * checked so that it can only ever name a resource under {@code /v2} of a registered host: no traversal, no encoded
 * slashes or dots, no authority of its own.
 *
 * @param region        from the path prefix {@code /regions/{region}/v2/...}, else header X-Imagelib-Region, else the default
 * @param upstreamPath  raw path to send upstream, always starting with {@code /v2}
 * @param rawQuery      raw query string or null, passed through unchanged
 * @param imageId       the image the request is about, when it is about one
 */
public record ProxyTarget(String region, String upstreamPath, String rawQuery, ImageOperation operation,
                          Optional<String> imageId) {

    public static final String REGION_HEADER = "X-Imagelib-Region";
    private static final String REGION_PREFIX = "/regions/";
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Unreserved characters plus sub-delims allowed in a segment, and percent escapes (checked separately). */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~!$&'()*+,=:@%-]+");
    private static final List<String> FORBIDDEN_ESCAPES = List.of("%2e", "%2f", "%5c", "%00", "%25");

    public static ProxyTarget parse(String method, String rawPath, String rawQuery, String regionHeader, String defaultRegion) {
        String path = rawPath;
        String region = null;
        if (path.startsWith(REGION_PREFIX)) {
            int slash = path.indexOf('/', REGION_PREFIX.length());
            if (slash < 0) {
                throw new InvalidTarget("bad-path", "Expected /regions/{region}/v2/..., got " + rawPath);
            }
            region = path.substring(REGION_PREFIX.length(), slash);
            path = path.substring(slash);
        }
        if (regionHeader != null && !regionHeader.isEmpty()) {
            if (region != null && !region.equals(regionHeader)) {
                throw new InvalidTarget("region-conflict", "The path names region " + region + " but header "
                        + REGION_HEADER + " names " + regionHeader + "; use one of them.");
            }
            region = regionHeader;
        }
        region = region == null ? defaultRegion : region;
        if (!REGION.matcher(region).matches() || region.equals(".") || region.equals("..")) {
            throw new InvalidTarget("bad-region", "Region names match [A-Za-z0-9._-]{1,64}.");
        }
        List<String> segments = checkedSegments(path, rawPath);
        List<String> v2 = segments.subList(1, segments.size());
        ImageOperation operation = ImageOperation.of(method, v2);
        Optional<String> imageId = v2.size() >= 2 && v2.get(0).equals("images") ? Optional.of(v2.get(1)) : Optional.empty();
        return new ProxyTarget(region, path, rawQuery, operation, imageId);
    }

    private static List<String> checkedSegments(String path, String rawPath) {
        if (!path.equals("/v2") && !path.startsWith("/v2/")) {
            throw new InvalidTarget("bad-path", "Only the image API under /v2 is proxied, not " + rawPath);
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (path.contains("//") || path.contains("\\") || FORBIDDEN_ESCAPES.stream().anyMatch(lower::contains)) {
            throw new InvalidTarget("bad-path", "Empty segments, backslashes and encoded dots, slashes or percent signs are refused.");
        }
        List<String> segments = Arrays.asList(path.substring(1).split("/", -1));
        for (String segment : segments) {
            if (segment.equals(".") || segment.equals("..") || (!segment.isEmpty() && !SEGMENT.matcher(segment).matches())) {
                throw new InvalidTarget("bad-path", "Path segment not allowed: " + segment);
            }
        }
        if (segments.getLast().isEmpty() && segments.size() > 1) {
            return segments.subList(0, segments.size() - 1);
        }
        return segments;
    }

    /** The path and query to append to a registered host's base URL. */
    public String pathAndQuery() {
        return rawQuery == null ? upstreamPath : upstreamPath + "?" + rawQuery;
    }
}
