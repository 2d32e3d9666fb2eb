package io.imagelib.support.kafka;

/** Something that rebuilds state from a topic and knows whether it has caught up; readiness waits for all of them. */
public interface CatchUp {

    /** What is being read, for the health details (usually the topic name). */
    String catchUpName();

    boolean isCaughtUp();
}
