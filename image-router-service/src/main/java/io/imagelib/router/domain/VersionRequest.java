package io.imagelib.router.domain;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request for Glance's version document, the first thing a discovering client (keystoneauth, openstacksdk, the
 * {@code openstack} CLI) asks of an image endpoint: {@code /} (Glance answers 300 Multiple Choices) or
 * {@code /versions} (200), also under {@code /regions/{region}} for clients pointed at a region's prefix.
 *
 * @param regionPrefix {@code /regions/{region}} as requested (the region is checked by the proxy's rules later), or empty
 * @param explicit     {@code /versions} was asked: 200 instead of 300
 */
public record VersionRequest(String regionPrefix, boolean explicit) {

    private static final Pattern PATH = Pattern.compile("(/regions/[^/]+)?(/versions)?/?");

    public static Optional<VersionRequest> of(String rawPath) {
        Matcher m = PATH.matcher(rawPath);
        if (rawPath.isEmpty() || !m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new VersionRequest(m.group(1) == null ? "" : m.group(1), m.group(2) != null));
    }

    public int status() {
        return explicit ? 200 : 300;
    }
}
