package io.imagelib.ilctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading the services' JSON into rows without binding to every field they might add. */
public final class JsonRows {

    private JsonRows() {
    }

    /** The objects of a list answer: a bare array, or the array under {@code wrapper} as OpenStack wraps lists. */
    public static List<JsonNode> items(JsonNode answer, String wrapper) {
        JsonNode array = answer.isArray() ? answer : answer.path(wrapper);
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    /** The first of {@code names} that {@code node} has, as a cell; null when none. */
    public static Object cell(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode value = node.path(name);
            if (value.isValueNode()) {
                return cell(value);
            }
        }
        return null;
    }

    /** A cell: booleans and numbers stay typed (for -f json), JSON null is empty, arrays print as JSON. */
    public static Object cell(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNumber()) {
            return value.numberValue();
        }
        if (value.isNull() || value.isMissingNode()) {
            return null;
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** Nested objects flattened to {@code storage.type}-style keys, in the order the service wrote them. */
    public static Map<String, JsonNode> flatten(JsonNode object) {
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        flatten("", object, flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> into) {
        if (!node.isObject()) {
            into.put(prefix, node);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), into);
        }
    }

    /** {@code publicUrl} / {@code storage.mount_path} as a column header: "Public URL", "Storage Mount Path". */
    public static String header(String key) {
        String spaced = key.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replace('_', ' ').replace('.', ' ');
        StringBuilder header = new StringBuilder();
        for (String word : spaced.split(" +")) {
            if (word.isEmpty()) {
                continue;
            }
            String lower = word.toLowerCase();
            String shown = switch (lower) {
                case "id", "url", "uuid" -> lower.toUpperCase();
                default -> Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
            };
            if (header.toString().equals(shown) || header.toString().endsWith(" " + shown)) {
                continue; // storage.storageId reads "Storage ID", not "Storage Storage ID"
            }
            header.append(header.isEmpty() ? "" : " ").append(shown);
        }
        return header.toString();
    }
}
