package dev.cairn.archrules;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root, found from the test's working directory (a module's). */
final class Repository {

  private Repository() {}

  static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(".mvn")) && Files.exists(p.resolve("mvnw"))) {
        return p;
      }
    }
    throw new IllegalStateException("not inside the repository: " + Path.of("").toAbsolutePath());
  }
}
