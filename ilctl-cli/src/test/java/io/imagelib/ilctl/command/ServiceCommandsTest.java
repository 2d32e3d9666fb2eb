package io.imagelib.ilctl.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.ilctl.ExitCode;
import io.imagelib.ilctl.IlctlRun;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** endpoint and role commands against a real HTTP server playing the service. */
class ServiceCommandsTest {

    /** Two endpoints as endpoint-service serves them (Keystone's wrapper, OpenStack's field names). */
    private static final String ENDPOINTS = """
            {"endpoints":[
              {"id":"4bf27ff9f8a146d59dcce04bcedb7mz0","region":"SJC","service_name":"glance","service_type":"image",
               "enabled":true,"interface":"admin","url":"https:__111.11.33.138:9494"},
              {"id":"0c1d","region":"SJC","service_name":"glance","service_type":"image",
               "enabled":false,"interface":"public","url":"http://111.11.33.139:9292"}]}""";

    private final FakeService service = new FakeService();

    @TempDir
    Path stateDir;

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void endpointListPrintsThePcdctlTableAndPassesTheFilters() {
        service.answer(200, "application/json", ENDPOINTS);

        IlctlRun run = IlctlRun.of("endpoint", "list", "--service", "glance", "--interface", "admin", "--region", "SJC",
                "--endpoint-url", service.url());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("""
                +----------------------------------+--------+--------------+--------------+---------+-----------+----------------------------+
                | ID                               | Region | Service Name | Service Type | Enabled | Interface | URL                        |
                +----------------------------------+--------+--------------+--------------+---------+-----------+----------------------------+
                | 4bf27ff9f8a146d59dcce04bcedb7mz0 | SJC    | glance       | image        | True    | admin     | https:__111.11.33.138:9494 |
                | 0c1d                             | SJC    | glance       | image        | False   | public    | http://111.11.33.139:9292  |
                +----------------------------------+--------+--------------+--------------+---------+-----------+----------------------------+
                """);
        assertThat(service.last().method()).isEqualTo("GET");
        assertThat(service.last().uri()).isEqualTo("/v1/endpoints?service=glance&interface=admin&region=SJC");
    }

    @Test
    void endpointListSelectsColumnsForScripts() {
        service.answer(200, "application/json", ENDPOINTS);

        IlctlRun run = IlctlRun.of("endpoint", "list", "-f", "value", "-c", "ID", "-c", "URL", "--endpoint-url", service.url());

        assertThat(run.out()).isEqualTo("4bf27ff9f8a146d59dcce04bcedb7mz0 https:__111.11.33.138:9494\n0c1d http://111.11.33.139:9292\n");
        assertThat(service.last().uri()).isEqualTo("/v1/endpoints?service=glance");
    }

    @Test
    void anUnknownColumnIsAUsageError() {
        service.answer(200, "application/json", ENDPOINTS);

        IlctlRun run = IlctlRun.of("endpoint", "list", "-c", "Colour", "--endpoint-url", service.url());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("Unknown column 'Colour'");
    }

    @Test
    void endpointSetPatchesTheUrlWithTheTokenAndPrintsNothing() {
        service.answer(200, "application/json", "{\"endpoint\":{}}");

        IlctlRun run = IlctlRun.of("endpoint", "set", "--url", "https://111.11.33.139:9494", "4bf27ff9f8a146d59dcce04bcedb7mz0",
                "--endpoint-url", service.url(), "--token", "s3cret");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(service.last()).isEqualTo(new FakeService.Request("PATCH", "/v1/endpoints/4bf27ff9f8a146d59dcce04bcedb7mz0",
                "Bearer s3cret", "{\"url\":\"https://111.11.33.139:9494\"}"));
    }

    @Test
    void withoutATokenOptionTheStateDirectorysTokenIsUsed() throws IOException {
        Files.writeString(stateDir.resolve("token"), "from-up\n");
        service.answer(204, "application/json", "");

        IlctlRun run = IlctlRun.of("role", "remove", "host-3", "--region", "SJC", "--role-url", service.url(), "--dir", stateDir.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(service.last()).isEqualTo(new FakeService.Request("DELETE", "/v1/regions/SJC/hosts/host-3/roles/image-library",
                "Bearer from-up", ""));
    }

    @Test
    void aRefusalExitsTwoWithTheProblemDetail() {
        service.answer(409, "application/problem+json", """
                {"type":"https://imagelib.io/problems/local-storage-multi-host","title":"Shared storage required",
                 "status":409,"detail":"Region SJC already has 1 image-library host; host h2 uses local storage."}""");

        IlctlRun run = IlctlRun.of("role", "assign", "h2", "--region", "SJC", "--public-url", "http://10.0.0.2:9292",
                "--storage-type", "LOCAL", "--role-url", service.url(), "--token", "t");

        assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(run.err()).contains("role-service refused (HTTP 409): Shared storage required",
                "Region SJC already has 1 image-library host; host h2 uses local storage.",
                "https://imagelib.io/problems/local-storage-multi-host");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anErrorWithoutProblemJsonStillExitsTwoWithTheBody() {
        service.answer(502, "text/plain", "Bad Gateway");

        IlctlRun run = IlctlRun.of("endpoint", "list", "--endpoint-url", service.url());

        assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(run.err()).contains("HTTP 502", "Bad Gateway");
    }

    @Test
    void roleCommandsTryTheNextReplicaWhenOneDoesNotAnswerOrHasNoWriter() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (FakeService noWriter = new FakeService()) {
            noWriter.answer(503, "application/problem+json", "{\"title\":\"No role-service replica can write right now\"}");
            service.answer(204, "application/json", "");

            IlctlRun run = IlctlRun.of("role", "remove", "host-3", "--region", "SJC", "--token", "t",
                    "--role-url", "http://127.0.0.1:" + closedPort + "," + noWriter.url() + ", " + service.url());

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(noWriter.requests).hasSize(1);
            assertThat(service.last().method()).isEqualTo("DELETE");
        }
    }

    @Test
    void whenEveryReplicaHasNoWriterTheLastAnswerIsShown() {
        service.answer(503, "application/problem+json", "{\"title\":\"No role-service replica can write right now\"}");

        IlctlRun run = IlctlRun.of("role", "remove", "host-3", "--region", "SJC", "--token", "t",
                "--role-url", service.url() + "," + service.url());

        assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(service.requests).hasSize(2);
        assertThat(run.err()).contains("No role-service replica can write right now");
    }

    @Test
    void aServiceThatDoesNotAnswerExitsThree() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        IlctlRun run = IlctlRun.of("endpoint", "list", "--endpoint-url", "http://127.0.0.1:" + closedPort);

        assertThat(run.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(run.err()).contains("endpoint-service at http://127.0.0.1:" + closedPort + "/ is unreachable");
    }

    @Test
    void roleAssignSendsTheRoleServiceBodyAndShowsTheAnswer() {
        service.answer(201, "application/json", """
                {"region":"SJC","hostId":"host-1","publicUrl":"http://10.0.0.1:9292","adminUrl":"https://10.0.0.1:9494",
                 "storage":{"type":"NFS","mountPath":"/var/opt/imagelibrary/data","storageId":"nfs-sjc-01","volumeType":null},
                 "assignedAt":"2026-11-25T16:00:00Z","assignedBy":"admin"}""");

        IlctlRun run = IlctlRun.of("role", "assign", "host-1", "--region", "SJC", "--public-url", "http://10.0.0.1:9292",
                "--storage-id", "nfs-sjc-01", "--role-url", service.url(), "--token", "t", "-f", "value");

        assertThat(run.exitCode()).isZero();
        assertThat(service.last().method()).isEqualTo("PUT");
        assertThat(service.last().uri()).isEqualTo("/v1/regions/SJC/hosts/host-1/roles/image-library");
        assertThat(service.last().body()).isEqualTo("{\"publicUrl\":\"http://10.0.0.1:9292\",\"storage\":{\"type\":\"NFS\","
                + "\"mountPath\":\"/var/opt/imagelibrary/data\",\"storageId\":\"nfs-sjc-01\"}}");
        assertThat(run.out()).contains("hostId host-1\n", "storage.type NFS\n", "assignedAt 2026-11-25T16:00:00Z\n");
    }

    @Test
    void noProbeAndBlockStorageGoIntoTheRequest() {
        service.answer(200, "application/json", "{}");

        IlctlRun.of("role", "assign", "h9", "--public-url", "http://10.0.0.9:9292", "--storage-type", "BLOCK",
                "--volume-type", "ceph-ssd", "--no-probe", "--role-url", service.url(), "--token", "t");

        assertThat(service.last().uri()).isEqualTo("/v1/regions/RegionOne/hosts/h9/roles/image-library?probe=false");
        assertThat(service.last().body()).isEqualTo("{\"publicUrl\":\"http://10.0.0.9:9292\",\"storage\":{\"type\":\"BLOCK\","
                + "\"volumeType\":\"ceph-ssd\"}}");
    }

    @Test
    void roleListTurnsTheRegionsHostsIntoRows() {
        service.answer(200, "application/json", """
                {"region":"SJC","hosts":[
                  {"region":"SJC","hostId":"host-1","publicUrl":"http://10.0.0.1:9292","storage":{"type":"NFS"}},
                  {"region":"SJC","hostId":"host-2","publicUrl":"http://10.0.0.2:9292","storage":{"type":"NFS"}}]}""");

        IlctlRun run = IlctlRun.of("role", "list", "--region", "SJC", "--role-url", service.url(), "-f", "value", "-c", "Host ID");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("host-1\nhost-2\n");
        assertThat(service.last().uri()).isEqualTo("/v1/regions/SJC/hosts");
    }
}
