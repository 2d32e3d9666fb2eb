package io.imagelib.role.web;

import static io.imagelib.role.RoleRequests.block;
import static io.imagelib.role.RoleRequests.body;
import static io.imagelib.role.RoleRequests.nfs;
import static io.imagelib.role.RoleRequests.rolePath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.imagelib.role.LocalGlance;
import io.imagelib.role.domain.HostAssignment;
import io.imagelib.role.probe.HealthcheckProbe;
import io.imagelib.role.probe.HttpHealthcheckProbe;
import io.imagelib.role.service.RoleAssignments;
import io.imagelib.role.service.RoleLog;
import io.imagelib.role.service.RoleStateStore;
import io.imagelib.support.security.ImagelibSecurityAutoConfiguration;
import io.imagelib.support.web.ImagelibWebAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The HTTP contract with the real rules, service, security and problem rendering; only the Kafka log is replaced by
 * an in-memory one that records what would have been published, and the probe talks to a real local HTTP server.
 */
@WebMvcTest(RoleController.class)
@ImportAutoConfiguration({ImagelibWebAutoConfiguration.class, ImagelibSecurityAutoConfiguration.class})
@Import({RoleAssignments.class, RoleControllerTest.Wiring.class})
@TestPropertySource(properties = {
        "imagelib.security.tokens[0].token=admin-token",
        "imagelib.security.tokens[0].principal=alice",
        "imagelib.security.tokens[0].roles[0]=admin",
        "imagelib.security.tokens[1].token=reader-token",
        "imagelib.security.tokens[1].principal=bob",
        "imagelib.security.tokens[1].roles[0]=reader"})
class RoleControllerTest {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final LocalGlance GLANCE = new LocalGlance();

    /** What the service asked the log to write, in order; null assignment = tombstone. */
    record Write(String hostId, HostAssignment assignment) {
    }

    @TestConfiguration
    static class Wiring {
        final List<Write> writes = new CopyOnWriteArrayList<>();

        @Bean
        RoleStateStore roleStateStore() {
            var store = new RoleStateStore();
            store.markCaughtUp();
            return store;
        }

        /** Durable and visible at once, like the Kafka log after its read-back. */
        @Bean
        RoleLog inMemoryRoleLog(RoleStateStore store) {
            return (hostId, assignment) -> {
                writes.add(new Write(hostId, assignment));
                store.apply(hostId, assignment);
            };
        }

        @Bean
        HealthcheckProbe probe() {
            // Generous: the first HttpClient call on a loaded 2-core CI machine took over 500 ms. Timeouts are
            // covered by HttpHealthcheckProbeTest.
            return new HttpHealthcheckProbe(Duration.ofSeconds(5));
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    Wiring wiring;
    @Autowired
    MeterRegistry meters;
    @Autowired
    RoleStateStore store;

    /** Every test starts from an empty topic: the state is undone by tombstoning whatever earlier tests wrote. */
    @BeforeEach
    void healthyGlanceAndAnEmptyTopic() {
        GLANCE.answering(200);
        wiring.writes.forEach(w -> store.apply(w.hostId(), null));
        wiring.writes.clear();
    }

    @AfterAll
    static void stopGlance() {
        GLANCE.close();
    }

    @Test
    void assigningAHostAnswers201WithLocationAndTheRecord() throws Exception {
        assign("create", "h1", nfs("/var/opt/imagelibrary/data", "nfs-1"), "admin-token")
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/v1/regions/create/hosts/h1"))
                .andExpect(jsonPath("$.adminUrl").value("https://127.0.0.1:9494"))
                .andExpect(jsonPath("$.assignedAt").value("2026-11-25T12:00:00Z"))
                .andExpect(jsonPath("$.assignedBy").value("alice"))
                .andExpect(jsonPath("$.storage.storageId").value("nfs-1"));

        assertThat(wiring.writes).singleElement().satisfies(w -> assertThat(w.hostId()).isEqualTo("h1"));
        assertThat(GLANCE.requestedPaths()).contains("/healthcheck");
    }

    @Test
    void theSameAssignmentAgainAnswers200AndPublishesNothing() throws Exception {
        assign("repeat", "h1", block("gold"), "admin-token").andExpect(status().isCreated());
        assign("repeat", "h1", block("gold"), "admin-token").andExpect(status().isOk())
                .andExpect(jsonPath("$.storage.volumeType").value("gold"));

        assertThat(wiring.writes).hasSize(1);
        assertThat(decisions("repeat", "unchanged")).isEqualTo(1.0);
    }

    @Test
    void changedDataAnswers200AndPublishesAnUpdate() throws Exception {
        assign("update", "h1", block("gold"), "admin-token").andExpect(status().isCreated());
        mvc.perform(authorized(put(rolePath("update", "h1")), "admin-token").queryParam("probe", "false")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"publicUrl\":\"http://127.0.0.1:9393\",\"storage\":" + block("gold") + "}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.publicUrl").value("http://127.0.0.1:9393"));

        assertThat(wiring.writes).hasSize(2);
        assertThat(wiring.writes.get(1).assignment().role().publicUrl()).isEqualTo("http://127.0.0.1:9393");
    }

    @Test
    void aBrokenRuleIs409ProblemJsonNamingTheRuleAndTheFix() throws Exception {
        assign("rules", "h1", "{\"type\":\"LOCAL\"}", "admin-token").andExpect(status().isCreated());

        assign("rules", "h2", block("gold"), "admin-token")
                .andExpect(status().isConflict())
                .andExpect(header().string("Content-Type", containsString("application/problem+json")))
                .andExpect(jsonPath("$.type").value("https://imagelib.io/problems/local-storage-multi-host"))
                .andExpect(jsonPath("$.title").value("Shared storage required"))
                .andExpect(jsonPath("$.detail").value(containsString("Move h1 to shared storage")));

        assertThat(wiring.writes).hasSize(1);
        assertThat(meters.get("imagelib.role.decisions")
                .tags("region", "rules", "outcome", "refused", "rule", "local-storage-multi-host").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void anUnhealthyGlanceIs422NamingTheUrlAndNothingIsPublished() throws Exception {
        GLANCE.answering(503);

        assign("probe", "h1", block("gold"), "admin-token")
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.type").value("https://imagelib.io/problems/healthcheck-failed"))
                .andExpect(jsonPath("$.detail").value(containsString(GLANCE.url() + "/healthcheck answered HTTP 503")));

        assertThat(wiring.writes).isEmpty();
        assertThat(decisions("probe", "probe-failed")).isEqualTo(1.0);
    }

    @Test
    void probeFalsePreStagesAHostWhoseGlanceIsNotUpYet() throws Exception {
        GLANCE.answering(503);

        mvc.perform(authorized(put(rolePath("prestage", "h1")), "admin-token").queryParam("probe", "false")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body(GLANCE.url(), block("gold"))))
                .andExpect(status().isCreated());

        assertThat(wiring.writes).hasSize(1);
    }

    @Test
    void removalPublishesATombstoneAndASecondRemovalIs404() throws Exception {
        assign("remove", "h1", block("gold"), "admin-token").andExpect(status().isCreated());

        mvc.perform(authorized(delete(rolePath("remove", "h1")), "admin-token")).andExpect(status().isNoContent());
        mvc.perform(authorized(delete(rolePath("remove", "h1")), "admin-token"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("https://imagelib.io/problems/not-assigned"));

        assertThat(wiring.writes).hasSize(2);
        assertThat(wiring.writes.get(1)).isEqualTo(new Write("h1", null));
    }

    @Test
    void readsAreOpenAndListTheRegionsHostsWithAssignedAt() throws Exception {
        assign("reads", "h2", block("gold"), "admin-token").andExpect(status().isCreated());
        assign("reads", "h1", block("gold"), "admin-token").andExpect(status().isCreated());

        mvc.perform(get("/v1/regions/reads/hosts"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.region").value("reads"))
                .andExpect(jsonPath("$.hosts[*].hostId").value(org.hamcrest.Matchers.contains("h1", "h2")))
                .andExpect(jsonPath("$.hosts[0].assignedAt").value("2026-11-25T12:00:00Z"));
        mvc.perform(get("/v1/regions/reads/hosts/h1")).andExpect(status().isOk())
                .andExpect(jsonPath("$.hostId").value("h1"));
        mvc.perform(get("/v1/regions/elsewhere/hosts/h1")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("https://imagelib.io/problems/not-assigned"));
    }

    @Test
    void noTokenIs401() throws Exception {
        mvc.perform(put(rolePath("auth", "h1")).contentType(MediaType.APPLICATION_JSON).content(body(GLANCE.url(), block("gold"))))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.type").value("https://imagelib.io/problems/unauthenticated"));
        mvc.perform(delete(rolePath("auth", "h1"))).andExpect(status().isUnauthorized());
        assertThat(wiring.writes).isEmpty();
    }

    @Test
    void anUnknownTokenIs401() throws Exception {
        assign("auth", "h1", block("gold"), "not-a-token")
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.type").value("https://imagelib.io/problems/unauthenticated"));
        assertThat(wiring.writes).isEmpty();
    }

    @Test
    void aTokenWithoutTheAdminRoleIs403() throws Exception {
        assign("auth", "h1", block("gold"), "reader-token")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value("https://imagelib.io/problems/forbidden"));
        mvc.perform(authorized(delete(rolePath("auth", "h1")), "reader-token")).andExpect(status().isForbidden());
        assertThat(wiring.writes).isEmpty();
    }

    static Stream<Arguments> badBodies() {
        String url = "http://127.0.0.1:9292";
        return Stream.of(
                Arguments.of("malformed JSON", "{\"publicUrl\": ", 400, "malformed-body"),
                Arguments.of("unknown enum", "{\"publicUrl\":\"" + url + "\",\"storage\":{\"type\":\"CEPHFS\"}}", 400, "malformed-body"),
                Arguments.of("unknown type UNKNOWN", "{\"publicUrl\":\"" + url + "\",\"storage\":{\"type\":\"UNKNOWN\"}}", 400, "malformed-body"),
                Arguments.of("missing publicUrl", "{\"storage\":{\"type\":\"LOCAL\"}}", 400, "invalid-request"),
                Arguments.of("missing storage", "{\"publicUrl\":\"" + url + "\"}", 400, "invalid-request"),
                Arguments.of("missing storage type", "{\"publicUrl\":\"" + url + "\",\"storage\":{}}", 400, "invalid-request"),
                Arguments.of("storage of the wrong type", "{\"publicUrl\":\"" + url + "\",\"storage\":\"nfs\"}", 400, "malformed-body"),
                Arguments.of("publicUrl of the wrong type", "{\"publicUrl\":{\"x\":1},\"storage\":{\"type\":\"LOCAL\"}}", 400, "malformed-body"),
                Arguments.of("JSON array", "[]", 400, "malformed-body"),
                Arguments.of("empty body", "", 400, "malformed-body"),
                Arguments.of("NFS without storageId", "{\"publicUrl\":\"" + url + "\",\"storage\":{\"type\":\"NFS\",\"mountPath\":\"/d\"}}", 400, "invalid-storage"),
                Arguments.of("publicUrl without port", "{\"publicUrl\":\"http://10.0.0.5\",\"storage\":{\"type\":\"LOCAL\"}}", 400, "invalid-url"),
                Arguments.of("over-long field", "{\"publicUrl\":\"http://" + "a".repeat(3000) + ":1\",\"storage\":{\"type\":\"LOCAL\"}}", 400, "invalid-request"),
                Arguments.of("huge body", "{\"publicUrl\":\"" + url + "\",\"pad\":\"" + "x".repeat(70_000) + "\",\"storage\":{\"type\":\"LOCAL\"}}", 413, "body-too-large"));
    }

    @ParameterizedTest(name = "{0} -> {2} {3}")
    @MethodSource("badBodies")
    void badBodiesAreProblemJsonAndPublishNothing(String what, String body, int status, String slug) throws Exception {
        mvc.perform(authorized(put(rolePath("bad", "h1")), "admin-token").queryParam("probe", "false")
                        .contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().is(status))
                .andExpect(header().string("Content-Type", containsString("application/problem+json")))
                .andExpect(jsonPath("$.type").value("https://imagelib.io/problems/" + slug));

        assertThat(wiring.writes).isEmpty();
    }

    @Test
    void idsOutsideTheSharedPatternAre400() throws Exception {
        assign("bad", "h1!", block("gold"), "admin-token")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("https://imagelib.io/problems/invalid-request"))
                .andExpect(jsonPath("$.detail").value(containsString("hostId")));
        assign("r".repeat(65), "h1", block("gold"), "admin-token").andExpect(status().isBadRequest());
        mvc.perform(get("/v1/regions/" + "r".repeat(65) + "/hosts")).andExpect(status().isBadRequest());
        assertThat(wiring.writes).isEmpty();
    }

    ResultActions assign(String region, String host, String storageJson, String token) throws Exception {
        return mvc.perform(authorized(put(rolePath(region, host)), token)
                .contentType(MediaType.APPLICATION_JSON).content(body(GLANCE.url(), storageJson)));
    }

    double decisions(String region, String outcome) {
        return meters.get("imagelib.role.decisions").tags("region", region, "outcome", outcome).counter().count();
    }

    static MockHttpServletRequestBuilder authorized(MockHttpServletRequestBuilder request, String token) {
        return request.header("Authorization", "Bearer " + token);
    }
}
