package io.imagelib.schemas.topics;

import java.util.List;

/** Existing topics disagree with the catalogue; the service must not start on them. */
public class TopicConflictException extends IllegalStateException {

    private final List<String> conflicts;

    public TopicConflictException(List<String> conflicts) {
        super("Existing topics conflict with the imagelib topic catalogue:\n  - " + String.join("\n  - ", conflicts));
        this.conflicts = List.copyOf(conflicts);
    }

    public List<String> conflicts() {
        return conflicts;
    }
}
