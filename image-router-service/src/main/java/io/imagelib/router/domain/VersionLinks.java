package io.imagelib.router.domain;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The links of Glance's version document as the router hands it out: every {@code href} a host wrote (naming the
 * host) is rewritten to the router's own root, so a client's follow-up requests come back to the router.
 *
 * <p>The root is never taken blindly from the request's Host header (a forged Host must not send clients
 * anywhere). In order: the configured public URL; else the Host header when it names a configured public host name,
 * or the very address and port the connection arrived on (an IP literal, or {@code localhost} on loopback); else that
 * local address and port themselves. X-Forwarded-* headers are not read: the router trusts them nowhere.
 *
 * @param root scheme, authority and path prefix (the region prefix when the client used one), without trailing slash
 */
public record VersionLinks(String root) {

    /** Where a request arrived, as the servlet container saw the connection, plus the raw Host header. */
    public record Arrival(String scheme, String hostHeader, String localAddress, int localPort) {
    }

    /** host[:port]; the host an IPv6 literal in brackets (no zone id) or a DNS name / IPv4 address. */
    private static final Pattern HOST_HEADER = Pattern.compile(
            "(\\[[0-9A-Fa-f:.]{2,45}]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::([0-9]{1,5}))?");
    private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[A-Za-z0-9_.-]+)?");
    /** The API path from its version segment on, e.g. {@code v2/} of {@code http://10.0.0.5:9292/image/v2/}. */
    private static final Pattern VERSION_PATH = Pattern.compile("(?:^|/)(v[0-9]+(?:\\.[0-9]+)*(?:/[A-Za-z0-9._~!$&'()*+,=:@%/-]*)?)$");

    /**
     * @param publicUrl    configured base URL clients use for the router (like Glance's {@code public_endpoint}), if any
     * @param publicHosts  host names (lower case) under which clients may address the router
     * @param regionPrefix {@code /regions/{region}} when the client asked under it, else empty
     */
    public static VersionLinks of(Optional<URI> publicUrl, Set<String> publicHosts, Arrival arrival, String regionPrefix) {
        if (publicUrl.isPresent()) {
            return new VersionLinks(withoutTrailingSlash(publicUrl.get().toString()) + regionPrefix);
        }
        String scheme = arrival.scheme().equalsIgnoreCase("https") ? "https" : "http";
        String authority = trustedHost(arrival, scheme, publicHosts).orElseGet(() -> localAuthority(arrival));
        return new VersionLinks(scheme + "://" + authority + regionPrefix);
    }

    /**
     * The router's link for one link a host wrote, or empty when that link names no API version (it is then left
     * out: a link the router cannot map would send the client to the host directly).
     */
    public Optional<String> rewrite(String upstreamHref) {
        String path;
        try {
            path = URI.create(upstreamHref).getRawPath();
        } catch (IllegalArgumentException notAUri) {
            return Optional.empty();
        }
        Matcher m = VERSION_PATH.matcher(path == null ? "" : path);
        return m.find() ? Optional.of(root + "/" + m.group(1)) : Optional.empty();
    }

    private static Optional<String> trustedHost(Arrival arrival, String scheme, Set<String> publicHosts) {
        if (arrival.hostHeader() == null) {
            return Optional.empty();
        }
        Matcher m = HOST_HEADER.matcher(arrival.hostHeader().trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String host = m.group(1).toLowerCase(Locale.ROOT);
        int port = m.group(2) == null ? defaultPort(scheme) : Integer.parseInt(m.group(2));
        if (port < 1 || port > 65_535) {
            return Optional.empty();
        }
        String authority = m.group(2) == null ? host : host + ":" + port;
        if (publicHosts.contains(host)) {
            return Optional.of(authority);
        }
        boolean thisSocket = port == arrival.localPort() && (sameAddress(host, arrival.localAddress())
                || (host.equals("localhost") && loopback(arrival.localAddress())));
        return thisSocket ? Optional.of(authority) : Optional.empty();
    }

    /** Compares IP literals only: a name is never resolved (no DNS lookup decided by a client's header). */
    private static boolean sameAddress(String host, String localAddress) {
        boolean v6 = host.startsWith("[");
        String literal = v6 ? host.substring(1, host.length() - 1) : host;
        if (v6 != literal.contains(":")) {
            return false;
        }
        return literal(literal).flatMap(a -> literal(localAddress).map(a::equals)).orElse(false);
    }

    private static boolean loopback(String localAddress) {
        return literal(localAddress).map(InetAddress::isLoopbackAddress).orElse(false);
    }

    /**
     * An IP literal as an address, or empty. Only literals reach {@link InetAddress}: IPv4 is parsed here, and a string
     * with a colon that starts like IPv6 is parsed by the JDK as a literal or refused, never looked up.
     */
    private static Optional<InetAddress> literal(String ip) {
        if (ip == null) {
            return Optional.empty();
        }
        try {
            Matcher v4 = IPV4.matcher(ip);
            if (v4.matches()) {
                byte[] octets = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(v4.group(i + 1));
                    if (octet > 255) {
                        return Optional.empty();
                    }
                    octets[i] = (byte) octet;
                }
                return Optional.of(InetAddress.getByAddress(octets));
            }
            return IPV6.matcher(ip).matches() ? Optional.of(InetAddress.getByName(ip)) : Optional.empty();
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static String localAuthority(Arrival arrival) {
        String address = arrival.localAddress();
        String host = address.contains(":") ? "[" + address.replace("%", "%25") + "]" : address;
        return host + ":" + arrival.localPort();
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
