package io.imagelib.router.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CreatedImagesTest {

    @Test
    void remembersTheNewestCreatesUpToItsCapacity() {
        CreatedImages created = new CreatedImages(2);
        created.add("a");
        created.add("b");
        created.add("c");

        assertThat(created.contains("a")).as("oldest forgotten").isFalse();
        assertThat(created.contains("b")).isTrue();
        assertThat(created.contains("c")).isTrue();
        assertThat(created.contains("d")).as("never created here").isFalse();
    }
}
