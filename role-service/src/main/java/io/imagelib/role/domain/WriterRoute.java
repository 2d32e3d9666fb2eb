package io.imagelib.role.domain;

/** Where a role change goes from this replica. */
public sealed interface WriterRoute {

    /** Metric tag of the route. */
    String outcome();

    /** This replica is the writer: decide and write here. */
    record Local() implements WriterRoute {
        public String outcome() {
            return "local";
        }
    }

    /** Another replica is the writer: pass the request on unchanged. */
    record Forward(String writerUrl) implements WriterRoute {
        public String outcome() {
            return "forward";
        }
    }

    /** Nobody can write right now; the client should retry shortly (the detail says why). */
    record Unavailable(String detail) implements WriterRoute {
        public String outcome() {
            return "unavailable";
        }
    }
}
