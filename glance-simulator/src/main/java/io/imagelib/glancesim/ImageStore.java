package io.imagelib.glancesim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Image metadata and data kept in one directory, so hosts that share it see the same images (Glance on shared
 * storage). Every write goes to a temporary file first and is moved into place atomically; an image id is claimed
 * with a hard link, which fails if another host claimed it first.
 */
final class ImageStore {

    private static final Pattern IMAGE_ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Fields a client may not set on create or patch: Glance owns them. */
    private static final Set<String> READ_ONLY = Set.of("status", "size", "virtual_size", "checksum", "os_hash_algo",
            "os_hash_value", "created_at", "updated_at", "self", "file", "schema", "owner");
    private static final int COPY_BUFFER = 64 * 1024;

    private final JsonMapper json = JsonMapper.builder().build();
    private final Path metadataDir;
    private final Path dataDir;
    private final Path stagingDir;
    private volatile boolean killed;

    ImageStore(Path root) {
        this.metadataDir = root.resolve("images");
        this.dataDir = root.resolve("data");
        this.stagingDir = root.resolve("staging");
        try {
            Files.createDirectories(metadataDir);
            Files.createDirectories(dataDir);
            Files.createDirectories(stagingDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare data directory " + root, e);
        }
    }

    static boolean isImageId(String id) {
        return IMAGE_ID.matcher(id).matches();
    }

    Map<String, Object> create(Map<String, Object> request, String owner) throws IOException {
        for (String field : request.keySet()) {
            if (READ_ONLY.contains(field)) {
                throw new ApiError(403, "Attribute '" + field + "' is read-only.");
            }
        }
        String id = request.containsKey("id") ? String.valueOf(request.get("id")) : UUID.randomUUID().toString();
        if (!isImageId(id)) {
            throw new ApiError(400, "Invalid image id '" + id + "': must be a UUID.");
        }
        String now = now();
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("id", id);
        image.put("name", null);
        image.put("status", "queued");
        image.put("visibility", "shared");
        image.put("protected", false);
        image.put("disk_format", null);
        image.put("container_format", null);
        image.put("size", null);
        image.put("virtual_size", null);
        image.put("checksum", null);
        image.put("os_hash_algo", null);
        image.put("os_hash_value", null);
        image.put("min_disk", 0);
        image.put("min_ram", 0);
        image.put("owner", owner);
        image.put("tags", List.of());
        image.putAll(request);
        image.put("created_at", now);
        image.put("updated_at", now);
        image.put("self", "/v2/images/" + id);
        image.put("file", "/v2/images/" + id + "/file");
        image.put("schema", "/v2/schemas/image");
        Path temp = writeTemp(metadataDir, json.writeValueAsBytes(image));
        try {
            Files.createLink(metadataFile(id), temp);
        } catch (FileAlreadyExistsException exists) {
            throw new ApiError(409, "Image with identifier " + id + " already exists!");
        } finally {
            Files.deleteIfExists(temp);
        }
        return image;
    }

    Optional<Map<String, Object>> find(String id) throws IOException {
        if (!isImageId(id)) {
            return Optional.empty();
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> image = json.readValue(Files.readAllBytes(metadataFile(id)), LinkedHashMap.class);
            return Optional.of(image);
        } catch (NoSuchFileException missing) {
            return Optional.empty();
        }
    }

    Map<String, Object> get(String id) throws IOException {
        return find(id).orElseThrow(() -> new ApiError(404, "No image found with ID " + id));
    }

    /** Newest first, like Glance's default sort (created_at desc). */
    List<Map<String, Object>> list(int limit) throws IOException {
        List<Map<String, Object>> images = new ArrayList<>();
        try (Stream<Path> files = Files.list(metadataDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                String name = file.getFileName().toString();
                find(name.substring(0, name.length() - ".json".length())).ifPresent(images::add);
            }
        }
        images.sort(Comparator.comparing((Map<String, Object> image) -> String.valueOf(image.get("created_at")))
                .thenComparing(image -> String.valueOf(image.get("id"))).reversed());
        return images.subList(0, Math.min(limit, images.size()));
    }

    /** The minimal subset of openstack-images-v2.1-json-patch: add, replace and remove of top-level attributes. */
    Map<String, Object> patch(String id, List<Map<String, Object>> operations) throws IOException {
        Map<String, Object> image = get(id);
        for (Map<String, Object> op : operations) {
            String path = String.valueOf(op.get("path"));
            if (!path.startsWith("/") || path.indexOf('/', 1) >= 0 || path.length() < 2) {
                throw new ApiError(400, "Unsupported patch path '" + path + "': only top-level attributes.");
            }
            String field = path.substring(1);
            if (READ_ONLY.contains(field) || field.equals("id")) {
                throw new ApiError(403, "Attribute '" + field + "' is read-only.");
            }
            switch (String.valueOf(op.get("op"))) {
                case "add", "replace" -> image.put(field, op.get("value"));
                case "remove" -> {
                    if (image.remove(field) == null) {
                        throw new ApiError(409, "Attribute '" + field + "' is not set.");
                    }
                }
                default -> throw new ApiError(400, "Unsupported patch operation '" + op.get("op") + "'.");
            }
        }
        image.put("updated_at", now());
        save(image);
        return image;
    }

    void delete(String id) throws IOException {
        Map<String, Object> image = get(id);
        if (Boolean.TRUE.equals(image.get("protected"))) {
            throw new ApiError(403, "Image " + id + " is protected and cannot be deleted.");
        }
        Files.deleteIfExists(dataFile(id));
        Files.deleteIfExists(stagingDir.resolve(id));
        Files.deleteIfExists(metadataFile(id));
    }

    /**
     * Streams the body to disk (never whole in memory), then publishes data and checksums atomically. As in Glance,
     * the image is {@code saving} meanwhile (so a later upload gets 409; with no database, unlike Glance's conditional
     * update, two uploads arriving at the same instant are not kept apart) and goes back to {@code queued} if the
     * upload fails, except when the host was killed: then nothing is left to revert it and it stays {@code saving}.
     */
    Map<String, Object> upload(String id, InputStream body) throws IOException {
        Map<String, Object> image = requireStatus(get(id), "queued");
        setStatus(image, "saving");
        Hashes hashes;
        try {
            hashes = receive(body, dataDir, dataFile(id));
        } catch (IOException | RuntimeException failed) {
            if (!killed) {
                Optional<Map<String, Object>> left = find(id);
                if (left.isPresent()) {
                    setStatus(left.get(), "queued");
                }
            }
            throw failed;
        }
        return activate(id, hashes);
    }

    /** From now on a failing upload is left as a killed glance-api leaves it. */
    void kill() {
        killed = true;
    }

    private void setStatus(Map<String, Object> image, String status) throws IOException {
        image.put("status", status);
        image.put("updated_at", now());
        save(image);
    }

    void stage(String id, InputStream body) throws IOException {
        Map<String, Object> image = requireStatus(get(id), "queued");
        Path staged = stagingDir.resolve(id);
        receive(body, stagingDir, staged);
        setStatus(image, "uploading");
    }

    /** glance-direct import, done at once: the staged data becomes the image data. */
    Map<String, Object> importStaged(String id) throws IOException {
        requireStatus(get(id), "uploading");
        Path staged = stagingDir.resolve(id);
        Hashes hashes;
        try (InputStream in = Files.newInputStream(staged)) {
            hashes = receive(in, dataDir, dataFile(id));
        }
        Files.deleteIfExists(staged);
        return activate(id, hashes);
    }

    Path dataFile(String id) {
        return dataDir.resolve(id);
    }

    private Map<String, Object> activate(String id, Hashes hashes) throws IOException {
        Map<String, Object> image = get(id);
        image.put("size", hashes.size());
        image.put("virtual_size", null);
        image.put("checksum", hashes.md5());
        image.put("os_hash_algo", "sha512");
        image.put("os_hash_value", hashes.sha512());
        setStatus(image, "active");
        return image;
    }

    private static Map<String, Object> requireStatus(Map<String, Object> image, String expected) {
        if (!expected.equals(image.get("status"))) {
            throw new ApiError(409, "Image " + image.get("id") + " has status " + image.get("status")
                    + "; this operation needs status " + expected + ".");
        }
        return image;
    }

    private Hashes receive(InputStream body, Path dir, Path target) throws IOException {
        MessageDigest md5 = digest("MD5");
        MessageDigest sha512 = digest("SHA-512");
        Path temp = Files.createTempFile(dir, ".upload-", ".part");
        long size = 0;
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[COPY_BUFFER];
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    md5.update(buffer, 0, n);
                    sha512.update(buffer, 0, n);
                    size += n;
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        HexFormat hex = HexFormat.of();
        return new Hashes(size, hex.formatHex(md5.digest()), hex.formatHex(sha512.digest()));
    }

    private void save(Map<String, Object> image) throws IOException {
        Path temp = writeTemp(metadataDir, json.writeValueAsBytes(image));
        Files.move(temp, metadataFile(String.valueOf(image.get("id"))), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path writeTemp(Path dir, byte[] content) throws IOException {
        Path temp = Files.createTempFile(dir, ".meta-", ".part");
        Files.write(temp, content);
        return temp;
    }

    private Path metadataFile(String id) {
        return metadataDir.resolve(id + ".json");
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }

    private record Hashes(long size, String md5, String sha512) {
    }
}
