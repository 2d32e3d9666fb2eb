package io.imagelib.role.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagelib.role.domain.HostAssignment;
import io.imagelib.role.domain.Role;
import io.imagelib.role.domain.Storage;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

class RoleStateStoreTest {

    @Test
    void halfReadStateIsNeverAnsweredFrom() {
        var store = new RoleStateStore();
        store.apply("h1", new HostAssignment(new Role("SJC", "h1", "http://10.0.0.5:9292", "https://10.0.0.5:9494",
                Storage.local()), Instant.EPOCH, "admin", "r1"));

        assertThatThrownBy(store::readyState).isInstanceOfSatisfying(ErrorResponseException.class,
                e -> assertThat(e.getStatusCode().value()).isEqualTo(503));

        store.markCaughtUp();
        assertThat(store.readyState().host("h1")).isPresent();
        store.apply("h1", null);
        assertThat(store.readyState().host("h1")).isEmpty();
    }
}
