package io.imagelib.ilctl.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonRowsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void headersReadLikeTheOpenStackClis() {
        assertThat(JsonRows.header("hostId")).isEqualTo("Host ID");
        assertThat(JsonRows.header("publicUrl")).isEqualTo("Public URL");
        assertThat(JsonRows.header("storage.mountPath")).isEqualTo("Storage Mount Path");
        assertThat(JsonRows.header("service_name")).isEqualTo("Service Name");
        assertThat(JsonRows.header("storage.storageId")).isEqualTo("Storage ID");
    }

    @Test
    void nestedObjectsFlattenInTheServicesOrder() throws Exception {
        var host = JSON.readTree("{\"hostId\":\"h1\",\"storage\":{\"type\":\"NFS\",\"volumeType\":null},\"n\":3}");

        assertThat(JsonRows.flatten(host).keySet()).containsExactly("hostId", "storage.type", "storage.volumeType", "n");
        assertThat(JsonRows.cell(host.path("n"))).isEqualTo(3);
        assertThat(JsonRows.cell(host.path("storage").path("volumeType"))).isNull();
    }

    @Test
    void listsAreBareArraysOrWrappedAsKeystoneDoes() throws Exception {
        assertThat(JsonRows.items(JSON.readTree("[{\"id\":1},{\"id\":2}]"), "endpoints")).hasSize(2);
        assertThat(JsonRows.items(JSON.readTree("{\"endpoints\":[{\"id\":1}]}"), "endpoints")).hasSize(1);
        assertThat(JsonRows.items(JSON.readTree("{}"), "endpoints")).isEmpty();
    }
}
