package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.List;

/**
 * Our services started for one fault IT class on its own directory, roles assigned and an image uploaded
 * ({@link Scenarios#assignRolesAndUpload}), plus the checks every fault scenario ends with: nothing lost.
 */
final class ServicesUnderTest implements AutoCloseable {

    static final List<String> CATALOGUE = Topics.ALL.stream().map(TopicSpec::name).toList();
    static final List<String> DEAD_LETTERS = CATALOGUE.stream().map(t -> t + TopicSpec.DLT_SUFFIX).toList();

    final ServiceStack stack;
    final Scenarios.Prepared prepared;

    private ServicesUnderTest(ServiceStack stack, Scenarios.Prepared prepared) {
        this.stack = stack;
        this.prepared = prepared;
    }

    static ServicesUnderTest start(GlanceTestBed bed, String name, ServiceStack.Options options) throws Exception {
        ServiceStack stack = ServiceStack.start(ServicesFailoverIT.PROJECT_ROOT, Path.of("target/system", name).toAbsolutePath(), options);
        try {
            return new ServicesUnderTest(stack, Scenarios.assignRolesAndUpload(bed.glance(), stack));
        } catch (Exception | AssertionError e) {
            stack.close();
            throw e;
        }
    }

    EventLog events() {
        return prepared.events();
    }

    AdminEndpoint admin() {
        return events().latest(Topics.ADMIN_ENDPOINT, Scenarios.REGION).orElseThrow();
    }

    /**
     * Nothing lost: the first image still downloads intact through the router, no image is left in {@code saving},
     * the admin history is consistent (epochs strictly increase: none reused, never two admins for one epoch), no
     * record was parked on a dead-letter topic, and every service process is still running.
     */
    void assertNothingLost() throws Exception {
        assertThat(prepared.viaRouter().downloadSha256(stack.router(), prepared.imageId())).isEqualTo(prepared.sha256());
        assertThat(prepared.viaRouter().countImages(stack.router(), "saving")).as("images left in saving").isZero();
        assertThat(Scenarios.adminHistoryViolations(events())).as("admin-endpoint history").isEmpty();
        try (KafkaReplicas replicas = new KafkaReplicas(stack.bootstrapServers())) {
            assertThat(replicas.recordsWritten(DEAD_LETTERS)).as("records parked on %s", DEAD_LETTERS).isZero();
        }
        assertThat(ServiceStack.SERVICES).allSatisfy(s -> assertThat(stack.isRunning(s)).as("%s running", s).isTrue());
    }

    @Override
    public void close() {
        try {
            events().close();
        } finally {
            stack.close();
        }
    }
}
