package io.imagelib.router.domain;

import java.util.Optional;

/**
 * What the router does about an image whose upload ({@code PUT /v2/images/{id}/file}) it saw break after sending
 * data, e.g. the admin host killed mid-body. Glance cannot finish or undo it: a glance-api killed while receiving
 * leaves the image {@code saving} for good (measured on Glance 25.1.0, docs/image-router-service.md), and the body
 * was streamed, not held, so it cannot be sent again. The hosts share one database and store, so another UP host
 * shows the image's state and can remove it.
 */
public final class InterruptedUpload {

    /** The decision, from the image's status as another host reports it. */
    public enum Action {
        /** Delete the image through another host and tell the client to create it again (retryable). */
        REMOVE,
        /** The upload finished before the answer was lost: answer as Glance would have (204). */
        COMPLETED,
        /** The image is queued again and not ours to remove: tell the client to upload its data again (retryable). */
        UPLOAD_AGAIN,
        /** Nothing safe to do: the client gets the state and must check it (no host answered, or a state we leave alone). */
        LEAVE
    }

    private InterruptedUpload() {
    }

    /**
     * @param status       the image's status read from another UP host after the break; empty if none answered
     * @param createdHere  the image's create went through this router and Glance answered 201: the client that owns
     *                     it is the one whose upload broke, so removing it loses nothing the client still has
     */
    public static Action decide(Optional<String> status, boolean createdHere) {
        if (status.isEmpty()) {
            return Action.LEAVE;
        }
        return switch (status.get()) {
            case "active" -> Action.COMPLETED;
            case "queued" -> createdHere ? Action.REMOVE : Action.UPLOAD_AGAIN;
            // saving with no upload running any more: only a delete ends it, and only the creator may decide that
            case "saving" -> createdHere ? Action.REMOVE : Action.LEAVE;
            default -> Action.LEAVE; // killed, deleted, importing, ...: Glance's own states, not an upload of ours
        };
    }
}
