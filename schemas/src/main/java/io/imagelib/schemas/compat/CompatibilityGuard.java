package io.imagelib.schemas.compat;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * BACKWARD_TRANSITIVE check of today's schemas against every released set: a consumer built today must read
 * every record any released producer ever wrote. A released type that disappeared is a break too.
 */
public final class CompatibilityGuard {

    private CompatibilityGuard() {
    }

    /** One human-readable line per break; empty when compatible. */
    public static List<String> check(SchemaSet current, List<SchemaSet> released) {
        List<String> breaks = new ArrayList<>();
        for (SchemaSet old : released) {
            old.byFullName().forEach((name, writer) -> {
                Schema reader = current.byFullName().get(name);
                if (reader == null) {
                    breaks.add(name + ": removed, but release " + old.label() + " wrote it");
                    return;
                }
                var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
                if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
                    for (Incompatibility incompatibility : result.getIncompatibilities()) {
                        breaks.add(describe(name, old.label(), reader, incompatibility));
                    }
                }
            });
        }
        return breaks;
    }

    private static String describe(String type, String release, Schema reader, Incompatibility incompatibility) {
        return type + " cannot read data written by release " + release + ": " + incompatibility.getType()
                + " at " + incompatibility.getLocation() + fieldName(reader, incompatibility.getLocation())
                + " (" + incompatibility.getMessage() + ")";
    }

    /** Turns a location like {@code /fields/8/type} into the name of the field it points at. */
    private static String fieldName(Schema reader, String location) {
        String[] parts = location.split("/");
        Schema schema = reader;
        String field = null;
        for (int i = 1; i + 1 < parts.length; i++) {
            if (parts[i].equals("fields") && schema.getType() == Schema.Type.RECORD) {
                int index = Integer.parseInt(parts[i + 1]);
                if (index >= schema.getFields().size()) {
                    break;
                }
                Schema.Field f = schema.getFields().get(index);
                field = field == null ? f.name() : field + "." + f.name();
                schema = f.schema();
                i++;
            }
        }
        return field == null ? "" : ", field '" + field + "'";
    }
}
