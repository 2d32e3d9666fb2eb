package io.imagelib.schemas.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;


/**
 * The .avsc files of one directory (one named type per file), parsed together so that files may refer to each
 * other's types by name in any order.
 */
public record SchemaSet(String label, Map<String, Schema> byFullName, Map<String, Path> files) {

    public static SchemaSet parse(String label, Path directory) {
        List<Path> pending;
        try (Stream<Path> listing = Files.list(directory)) {
            pending = new ArrayList<>(listing.filter(p -> p.toString().endsWith(".avsc")).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list schemas in " + directory, e);
        }
        Map<String, Schema> known = new LinkedHashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        while (!pending.isEmpty()) {
            List<Path> undefinedReferences = new ArrayList<>();
            AvroRuntimeException lastFailure = null;
            for (Path file : pending) {
                Schema.Parser parser = new Schema.Parser();
                parser.addTypes(known.values());
                try {
                    Schema schema = parser.parse(file.toFile());
                    known.put(schema.getFullName(), schema);
                    files.put(schema.getFullName(), file);
                } catch (AvroRuntimeException e) { // a type it refers to is not parsed yet
                    undefinedReferences.add(file);
                    lastFailure = e;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (undefinedReferences.size() == pending.size()) {
                throw new IllegalStateException("Cannot parse " + undefinedReferences + " in " + directory + ": "
                        + lastFailure.getMessage(), lastFailure);
            }
            pending = undefinedReferences;
        }
        return new SchemaSet(label, Map.copyOf(known), Map.copyOf(files));
    }
}
