package io.imagelib.router.domain;

import java.net.URI;

/** Given-style builders for host facts in domain tests. */
final class Hosts {

    static final String REGION = "SJC";

    private Hosts() {
    }

    static Registration host(String id) {
        return host(id, REGION);
    }

    static Registration host(String id, String region) {
        return new Registration(id, region, URI.create("http://" + id + ":9292"), URI.create("https://" + id + ":9494"));
    }

    static HostSnapshot given(Registration... hosts) {
        HostSnapshot snapshot = HostSnapshot.EMPTY;
        for (Registration host : hosts) {
            snapshot = snapshot.withRegistration(host.hostId(), host).withHealth(host.hostId(), Health.UP);
        }
        return snapshot;
    }
}
