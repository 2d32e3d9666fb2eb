package io.imagelib.role.domain;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The seed's rules for the image-library role, as a pure function of the current roles and the request.
 * Same input, same verdict; no clock, no I/O. Rules are checked in a fixed order and the first broken one is reported:
 * the request's own shape (URLs, storage fields), then the host's other region, then the region's storage.
 */
public final class RoleRules {

    /** The seed's admin endpoint convention: {@code https://<host-ip>:9494}. */
    public static final int DEFAULT_ADMIN_PORT = 9494;
    /** Path of the id file at the root of an NFS share whose content is the share's storageId. */
    public static final String STORAGE_ID_FILE = ".imagelib-storage-id";
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private RoleRules() {
    }

    public static Verdict check(RoleState state, Assignment requested) {
        Optional<String> urlProblem = urlProblem("publicUrl", requested.publicUrl())
                .or(() -> requested.adminUrl() == null ? Optional.empty() : urlProblem("adminUrl", requested.adminUrl()));
        if (urlProblem.isPresent()) {
            return new Verdict.Refused(Rule.INVALID_URL, urlProblem.get());
        }
        Optional<String> storageProblem = storageProblem(requested.hostId(), requested.storage());
        if (storageProblem.isPresent()) {
            return new Verdict.Refused(Rule.INVALID_STORAGE, storageProblem.get());
        }
        Role role = new Role(requested.region(), requested.hostId(), requested.publicUrl(),
                requested.adminUrl() != null ? requested.adminUrl() : defaultAdminUrl(requested.publicUrl()),
                requested.storage());
        Optional<HostAssignment> current = state.host(requested.hostId());
        if (current.isPresent() && current.get().role().equals(role)) {
            return new Verdict.Accepted(Verdict.Change.UNCHANGED, role, current);
        }
        if (current.isPresent() && !current.get().region().equals(requested.region())) {
            String other = current.get().region();
            return new Verdict.Refused(Rule.CROSS_REGION, "Host " + requested.hostId() + " already holds the image-library role in region "
                    + other + "; all image-library hosts of a deployment must be in one region. Remove it there first "
                    + "(DELETE /v1/regions/" + other + "/hosts/" + requested.hostId() + "/roles/image-library) or assign it in region "
                    + other + ".");
        }
        List<HostAssignment> others = state.region(requested.region()).stream()
                .filter(a -> !a.hostId().equals(requested.hostId())).toList();
        Optional<Verdict.Refused> clash = regionClash(requested, others);
        if (clash.isPresent()) {
            return clash.get();
        }
        return new Verdict.Accepted(current.isPresent() ? Verdict.Change.UPDATE : Verdict.Change.CREATE, role, current);
    }

    public static Verdict checkRemoval(RoleState state, String region, String hostId) {
        Optional<HostAssignment> current = state.host(hostId);
        if (current.isEmpty()) {
            return new Verdict.Refused(Rule.NOT_ASSIGNED, "Host " + hostId + " holds no image-library role; nothing to remove.");
        }
        if (!current.get().region().equals(region)) {
            return new Verdict.Refused(Rule.NOT_ASSIGNED, "Host " + hostId + " holds the image-library role in region "
                    + current.get().region() + ", not " + region + "; remove it with DELETE /v1/regions/"
                    + current.get().region() + "/hosts/" + hostId + "/roles/image-library.");
        }
        return new Verdict.Removal(current.get());
    }

    /** {@code https://<host of publicUrl>:9494}; only called with a public URL that passed validation. */
    public static String defaultAdminUrl(String publicUrl) {
        return "https://" + URI.create(publicUrl).getHost() + ":" + DEFAULT_ADMIN_PORT;
    }

    private static Optional<Verdict.Refused> regionClash(Assignment requested, List<HostAssignment> others) {
        if (others.isEmpty()) {
            return Optional.empty();
        }
        String host = requested.hostId();
        String region = requested.region();
        Storage wanted = requested.storage();
        if (wanted.type() == StorageType.LOCAL) {
            return refuse(Rule.LOCAL_STORAGE_MULTI_HOST, "Region " + region + " already has " + others.size()
                    + " image-library host(s) (" + names(others) + "); host " + host + " asks for local storage. Several hosts "
                    + "without shared storage lead to inconsistent image discovery, deletion failures and orphaned image data. "
                    + "Assign " + host + " with the region's " + others.getFirst().storage().describe() + ".");
        }
        for (HostAssignment other : others) {
            Storage theirs = other.storage();
            if (theirs.type() == StorageType.LOCAL) {
                return refuse(Rule.LOCAL_STORAGE_MULTI_HOST, "Host " + other.hostId() + " holds the role in region " + region
                        + " with local storage, which only works for a single host. Move " + other.hostId()
                        + " to shared storage (assign it again with NFS or BLOCK storage) before adding " + host + ".");
            }
            if (theirs.type() != wanted.type()) {
                return refuse(Rule.STORAGE_TYPE_MISMATCH, "Region " + region + " uses " + theirs.describe() + " (host "
                        + other.hostId() + "); host " + host + " asks for " + wanted.describe() + ". All image-library hosts "
                        + "of a region share one backend: assign " + host + " with " + theirs.describe() + ".");
            }
            if (wanted.type() == StorageType.NFS && !wanted.mountPath().equals(theirs.mountPath())) {
                return refuse(Rule.NFS_MOUNT_PATH_MISMATCH, "Host " + other.hostId() + " mounts the region's NFS share at "
                        + theirs.mountPath() + "; host " + host + " asks for " + wanted.mountPath() + ". Mount the share at "
                        + theirs.mountPath() + " on " + host + " (mount -t nfs <server>:<export> " + theirs.mountPath() + ").");
            }
            if (wanted.type() == StorageType.NFS && !wanted.storageId().equals(theirs.storageId())) {
                return refuse(Rule.NFS_STORAGE_ID_MISMATCH, "Host " + other.hostId() + " uses the NFS share with storageId '"
                        + theirs.storageId() + "'; host " + host + " reports '" + wanted.storageId() + "', so it mounts a "
                        + "different share at " + wanted.mountPath() + ". Mount the region's share on " + host + " and send the "
                        + "content of " + theirs.mountPath() + "/" + STORAGE_ID_FILE + " as storageId.");
            }
            if (wanted.type() == StorageType.BLOCK && !wanted.volumeType().equals(theirs.volumeType())) {
                return refuse(Rule.BLOCK_VOLUME_TYPE_MISMATCH, "Host " + other.hostId() + " stores images on volume type '"
                        + theirs.volumeType() + "'; host " + host + " asks for '" + wanted.volumeType() + "'. Use volume type '"
                        + theirs.volumeType() + "' for " + host + ", the one named in the cluster blueprint.");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> storageProblem(String host, Storage storage) {
        if (storage == null || storage.type() == null || storage.type() == StorageType.UNKNOWN) {
            return Optional.of("Host " + host + " needs storage.type NFS, BLOCK or LOCAL.");
        }
        return switch (storage.type()) {
            case NFS -> {
                if (blank(storage.mountPath()) || !storage.mountPath().startsWith("/")) {
                    yield Optional.of("NFS storage needs mountPath, the absolute path the share is mounted at on every host "
                            + "(e.g. /var/opt/imagelibrary/data).");
                }
                if (blank(storage.storageId())) {
                    yield Optional.of("NFS storage needs storageId, the content of " + STORAGE_ID_FILE + " at the root of the "
                            + "share (cat " + storage.mountPath() + "/" + STORAGE_ID_FILE + "); it tells different shares apart.");
                }
                yield storage.volumeType() != null
                        ? Optional.of("NFS storage takes no volumeType; volumeType belongs to BLOCK storage.")
                        : Optional.empty();
            }
            case BLOCK -> {
                if (blank(storage.volumeType())) {
                    yield Optional.of("BLOCK storage needs volumeType, the block-storage volume type of the cluster blueprint.");
                }
                yield storage.mountPath() != null || storage.storageId() != null
                        ? Optional.of("BLOCK storage takes no mountPath or storageId; those describe an NFS share.")
                        : Optional.empty();
            }
            case LOCAL -> storage.storageId() != null || storage.volumeType() != null
                    ? Optional.of("LOCAL storage takes no storageId or volumeType; those describe shared storage.")
                    : Optional.empty();
            case UNKNOWN -> throw new IllegalStateException("handled above");
        };
    }

    /**
     * http(s), a host, an explicit port, no user info (it would leak into catalogs and logs), no query or fragment,
     * and not an address no Glance host can have: every service that reads host-roles (monitor, router, catalog)
     * connects to this URL, so an address such as the cloud metadata service would turn a role into an SSRF.
     */
    static Optional<String> urlProblem(String field, String url) {
        if (blank(url)) {
            return Optional.of(field + " is missing; give the Glance URL, e.g. http://10.0.0.5:9292.");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of(field + " '" + url + "' is not a URL: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String problem = null;
        if (!scheme.equals("http") && !scheme.equals("https")) {
            problem = "must use http or https";
        } else if (uri.getRawUserInfo() != null) {
            problem = "must not carry user info; credentials in URLs leak into catalogs and logs";
        } else if (uri.getHost() == null) {
            problem = "has no (valid) host";
        } else if (uri.getPort() < 1 || uri.getPort() > 65535) {
            problem = "needs an explicit port between 1 and 65535 (Glance listens on 9292, its admin API on 9494)";
        } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            problem = "is a base URL and takes no query or fragment";
        } else {
            problem = internalAddressProblem(uri.getHost());
        }
        // never echo a URL that carries credentials
        String shown = uri.getRawUserInfo() != null ? field : field + " '" + url + "'";
        return Optional.ofNullable(problem).map(p -> shown + " " + p + ".");
    }

    /**
     * Refuses IP literals that are never a Glance host: link-local (169.254.0.0/16, where the metadata service
     * lives, and fe80::/10), unspecified (0.0.0.0, ::), multicast and broadcast. Loopback stays allowed: the local
     * stack runs its hosts on 127.0.0.x. Host names are not resolved here (a rule must not depend on DNS); the
     * role's probe connects to what the name resolves to.
     */
    static String internalAddressProblem(String host) {
        InetAddress address;
        try {
            Optional<InetAddress> literal = ipLiteral(host);
            if (literal.isEmpty()) {
                return null;
            }
            address = literal.get();
        } catch (UnknownHostException e) {
            return "has an invalid IP address";
        }
        if (address.isLinkLocalAddress()) {
            return "points at a link-local address (e.g. the cloud metadata service), never a Glance host";
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()
                || address.getHostAddress().equals("255.255.255.255")) {
            return "points at an unspecified, multicast or broadcast address, never a Glance host";
        }
        return null;
    }

    /** The address of an IP literal host (IPv4 dotted or bracketed IPv6), parsed without any name lookup. */
    private static Optional<InetAddress> ipLiteral(String host) throws UnknownHostException {
        if (host.startsWith("[")) {
            return Optional.of(InetAddress.getByName(host)); // brackets: parsed as IPv6 or refused, never looked up
        }
        if (!IPV4_LITERAL.matcher(host).matches()) {
            return Optional.empty();
        }
        String[] octets = host.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(octets[i]);
            if (octet > 255) {
                throw new UnknownHostException(host);
            }
            bytes[i] = (byte) octet;
        }
        return Optional.of(InetAddress.getByAddress(bytes));
    }

    private static Optional<Verdict.Refused> refuse(Rule rule, String detail) {
        return Optional.of(new Verdict.Refused(rule, detail));
    }

    private static String names(List<HostAssignment> hosts) {
        return hosts.stream().map(HostAssignment::hostId).collect(Collectors.joining(", "));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
