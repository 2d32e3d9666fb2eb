package io.imagelib.router.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What the router does about an image whose upload ({@code PUT /v2/images/{id}/file}) it saw break after sending
 * data, e.g. the admin host killed mid-body. Glance cannot finish or undo it: a glance-api killed while receiving
 * leaves the image {@code saving} for good (measured on Glance 25.1.0, docs/image-router-service.md), and the body
 * was streamed, not held, so it cannot be sent again. The hosts share one database and store, so another UP host
 * shows the image's state and can remove it.
 */
public final class InterruptedUpload {

    /**
     * Glance shows {@code updated_at} in whole seconds, and the router's clock and the hosts' may differ a little
     * (NTP keeps them within milliseconds); both are allowed for when comparing it with the upload's start.
     */
    static final Duration CLOCK_ALLOWANCE = Duration.ofSeconds(1);

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

    /**
     * The image as another UP host shows it after the break.
     *
     * @param updatedAt its {@code updated_at}; empty if absent or unreadable
     */
    public record Seen(String status, Optional<Instant> updatedAt) {
    }

    private InterruptedUpload() {
    }

    /**
     * @param seen           the image read from another UP host after the break; empty if none answered
     * @param createdHere    the image's create went through this router and Glance answered 201: the client that owns
     *                       it is the one whose upload broke, so removing it loses nothing the client still has
     * @param uploadBegan    when this router began sending the broken upload to its host
     */
    public static Action decide(Optional<Seen> seen, boolean createdHere, Instant uploadBegan) {
        if (seen.isEmpty()) {
            return Action.LEAVE;
        }
        return switch (seen.get().status()) {
            case "active" -> Action.COMPLETED;
            case "queued" -> createdHere ? Action.REMOVE : Action.UPLOAD_AGAIN;
            // Saving with no upload running any more: only a delete ends it. Glance lets one upload at a time move an
            // image from queued to saving (any other gets 409), so an image that went saving after this upload began
            // is this upload's, whichever router relayed the create (clients spread calls over routers).
            case "saving" -> createdHere || wentSavingDuring(seen.get(), uploadBegan) ? Action.REMOVE : Action.LEAVE;
            default -> Action.LEAVE; // killed, deleted, importing, ...: Glance's own states, not an upload of ours
        };
    }

    /** Glance stamps {@code updated_at} when an upload moves the image from queued to saving. */
    private static boolean wentSavingDuring(Seen seen, Instant uploadBegan) {
        Instant earliest = uploadBegan.truncatedTo(ChronoUnit.SECONDS).minus(CLOCK_ALLOWANCE);
        return seen.updatedAt().filter(updated -> !updated.isBefore(earliest)).isPresent();
    }
}
