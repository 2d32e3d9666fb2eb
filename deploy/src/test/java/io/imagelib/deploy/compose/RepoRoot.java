package io.imagelib.deploy.compose;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root the static deploy checks read: {@code -Dimagelib.project.root}, else found above the working directory. */
public final class RepoRoot {

    private RepoRoot() {
    }

    public static Path find() {
        String configured = System.getProperty("imagelib.project.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/compose/docker-compose.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No repository root (with deploy/compose/docker-compose.yml) above " + Path.of("").toAbsolutePath());
    }
}
