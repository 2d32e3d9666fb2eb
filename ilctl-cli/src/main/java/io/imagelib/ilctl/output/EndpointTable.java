package io.imagelib.ilctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** endpoint-service's endpoint objects (OpenStack's endpoint model) as the table {@code pcdctl endpoint list} prints. */
public final class EndpointTable {

    /** The pcdctl columns, in pcdctl's order. */
    public static final List<String> COLUMNS =
            List.of("ID", "Region", "Service Name", "Service Type", "Enabled", "Interface", "URL");

    private EndpointTable() {
    }

    /** From a list answer: a bare array or {@code {"endpoints": [...]}} as Keystone wraps it. */
    public static Table of(JsonNode answer) {
        return new Table(COLUMNS, JsonRows.items(answer, "endpoints").stream().map(EndpointTable::row).toList());
    }

    static List<Object> row(JsonNode endpoint) {
        return List.of(
                cell(endpoint, "id"),
                cell(endpoint, "region", "region_id"),
                cell(endpoint, "service_name"),
                cell(endpoint, "service_type"),
                cell(endpoint, "enabled"),
                cell(endpoint, "interface"),
                cell(endpoint, "url"));
    }

    private static Object cell(JsonNode endpoint, String... names) {
        Object cell = JsonRows.cell(endpoint, names);
        return cell == null ? "" : cell;
    }
}
