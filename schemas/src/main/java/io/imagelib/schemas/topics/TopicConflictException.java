package io.imagelib.schemas.topics;

import java.util.List;

/** Existing topics disagree with the catalogue; the service must not start on them. */
public class TopicConflictException extends IllegalStateException {

    private final List<String> conflicts;

    /** {@code remedy}: what to do about them, said once after the list (empty: each conflict names its own fix). */
    public TopicConflictException(List<String> conflicts, String remedy) {
        super("Existing topics conflict with the imagelib topic catalogue:\n  - " + String.join("\n  - ", conflicts)
                + (remedy.isEmpty() ? "" : "\n" + remedy));
        this.conflicts = List.copyOf(conflicts);
    }

    public List<String> conflicts() {
        return conflicts;
    }
}
