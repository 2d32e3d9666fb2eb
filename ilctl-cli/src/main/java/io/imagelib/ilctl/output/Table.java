package io.imagelib.ilctl.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Rows of strings under named columns, rendered the way the OpenStack CLI renders lists, so that the output of
 * {@code ilctl endpoint list} is the output of {@code pcdctl endpoint list}: left-aligned cells padded to the widest
 * value, one space inside each border, {@code +---+} rules above and below the header and after the last row.
 */
public record Table(List<String> columns, List<List<Object>> rows) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    public Table {
        columns = List.copyOf(columns);
        rows = rows.stream().map(row -> Collections.unmodifiableList(new ArrayList<>(row))).toList();
        for (List<Object> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("Row " + row + " has " + row.size() + " cells for " + columns.size() + " columns");
            }
        }
    }

    public String render(OutputFormat format) {
        return switch (format) {
            case table -> renderTable();
            case json -> write(JSON, objects()) + "\n";
            case yaml -> objects().isEmpty() ? "[]\n" : write(YAML, objects());
            case value -> rows.stream().map(row -> row.stream().map(Table::text).collect(Collectors.joining(" ")) + "\n")
                    .collect(Collectors.joining());
        };
    }

    /** An empty list prints nothing, as the OpenStack CLI does (a header without rows tells a script nothing). */
    private String renderTable() {
        if (rows.isEmpty()) {
            return "";
        }
        int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = columns.get(c).length();
            for (List<Object> row : rows) {
                widths[c] = Math.max(widths[c], text(row.get(c)).length());
            }
        }
        String rule = rule(widths);
        StringBuilder out = new StringBuilder();
        out.append(rule).append(line(columns, widths)).append(rule);
        rows.forEach(row -> out.append(line(row, widths)));
        return out.append(rule).toString();
    }

    private static String rule(int[] widths) {
        StringBuilder rule = new StringBuilder("+");
        for (int width : widths) {
            rule.append("-".repeat(width + 2)).append('+');
        }
        return rule.append('\n').toString();
    }

    private static String line(List<?> cells, int[] widths) {
        StringBuilder line = new StringBuilder("|");
        for (int c = 0; c < widths.length; c++) {
            String cell = text(cells.get(c));
            line.append(' ').append(cell).append(" ".repeat(widths[c] - cell.length())).append(" |");
        }
        return line.append('\n').toString();
    }

    /** Cell text as the Python CLI prints it: booleans {@code True}/{@code False}, nothing for null. */
    static String text(Object cell) {
        if (cell == null) {
            return "";
        }
        if (cell instanceof Boolean flag) {
            return flag ? "True" : "False";
        }
        return cell.toString();
    }

    /** JSON and YAML keep booleans and numbers typed, as the OpenStack CLI does. */
    private List<Map<String, Object>> objects() {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (List<Object> row : rows) {
            Map<String, Object> object = new LinkedHashMap<>();
            for (int c = 0; c < columns.size(); c++) {
                object.put(columns.get(c), row.get(c));
            }
            objects.add(object);
        }
        return objects;
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
