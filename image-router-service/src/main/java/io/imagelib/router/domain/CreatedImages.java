package io.imagelib.router.domain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the images whose create this router relayed with 201, newest kept: the fact
 * {@link InterruptedUpload} needs to remove an image whose upload broke. Bounded, because an upload follows its
 * create within minutes and a router relays creates without end; a router restart forgets them (its uploads cut
 * then are left to the client, as before).
 */
public final class CreatedImages {

    private final Map<String, Boolean> ids;

    public CreatedImages(int capacity) {
        this.ids = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void add(String imageId) {
        ids.put(imageId, Boolean.TRUE);
    }

    public synchronized boolean contains(String imageId) {
        return ids.containsKey(imageId);
    }
}
