package io.imagelib.catalogsync.sync;

import io.imagelib.catalogsync.domain.CatalogEndpoint;
import io.imagelib.catalogsync.keystone.KeystoneCatalog;
import io.imagelib.catalogsync.keystone.KeystoneException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A Keystone catalog in memory that can be down, or hold a PATCH until released, for the syncer's unit tests. */
final class InMemoryCatalog implements KeystoneCatalog {

    final Map<String, CatalogEndpoint> endpoints = new ConcurrentHashMap<>();
    final List<String> patchedUrls = new CopyOnWriteArrayList<>();
    volatile boolean down;
    volatile CountDownLatch patchGate = new CountDownLatch(0);
    final CountDownLatch patchStarted = new CountDownLatch(1);

    InMemoryCatalog with(String id, String region, String interfaceName, String url) {
        endpoints.put(id, new CatalogEndpoint(id, region, interfaceName, url));
        return this;
    }

    String url(String id) {
        return endpoints.get(id).url();
    }

    @Override
    public String serviceId(String type, String name) {
        failIfDown();
        return "svc-" + type;
    }

    @Override
    public List<CatalogEndpoint> endpoints(String serviceId, String interfaceName, String region) {
        failIfDown();
        return endpoints.values().stream()
                .filter(e -> e.interfaceName().equals(interfaceName) && e.region().equals(region))
                .toList();
    }

    @Override
    public void setUrl(String endpointId, String url) {
        failIfDown();
        patchStarted.countDown();
        try {
            if (!patchGate.await(10, TimeUnit.SECONDS)) {
                throw new KeystoneException("unavailable", "gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeystoneException("interrupted", "interrupted");
        }
        var old = endpoints.get(endpointId);
        endpoints.put(endpointId, new CatalogEndpoint(endpointId, old.region(), old.interfaceName(), url));
        patchedUrls.add(url);
    }

    private void failIfDown() {
        if (down) {
            throw new KeystoneException("unavailable", "connection refused");
        }
    }
}
