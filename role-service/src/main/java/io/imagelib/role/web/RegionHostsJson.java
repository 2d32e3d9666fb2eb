package io.imagelib.role.web;

import java.util.List;

/** The image-library hosts of one region, ordered by host id. */
public record RegionHostsJson(String region, List<HostRoleJson> hosts) {
}
