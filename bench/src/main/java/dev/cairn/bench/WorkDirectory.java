package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directory a run keeps its stores in, and what the run created to hold it: a new {@code
 * cairn-bench-*} directory in the system's temporary directory or in the configured one, and the
 * configured directory itself (with its missing parents) when the run had to create it. Deleting
 * removes only what the run created: the stores' directory with everything in it, then each
 * directory the run created for it if it is empty; never anything else of a directory the user
 * gave. Safe to delete from two threads (the run's, and a shutdown hook's).
 */
final class WorkDirectory {

  private final Path root;
  private final List<Path> created; // deepest first

  private WorkDirectory(Path root, List<Path> created) {
    this.root = root;
    this.created = List.copyOf(created);
  }

  /**
   * Creates the run's directory below {@code parent}, or in the system's temporary directory when
   * {@code parent} is null.
   *
   * @throws UncheckedIOException if it cannot be created, naming the directory
   */
  static WorkDirectory create(Path parent) {
    try {
      if (parent == null) {
        return new WorkDirectory(Files.createTempDirectory("cairn-bench-"), List.of());
      }
      List<Path> missing = new ArrayList<>();
      for (Path p = parent.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
        missing.add(p);
      }
      Files.createDirectories(parent);
      return new WorkDirectory(Files.createTempDirectory(parent, "cairn-bench-"), missing);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the benchmark directory in "
              + (parent == null ? "the temporary directory" : parent)
              + ": "
              + e,
          e);
    }
  }

  Path root() {
    return root;
  }

  /**
   * Deletes the stores' directory and the empty directories the run created for it.
   *
   * @throws UncheckedIOException if a file cannot be deleted
   */
  void delete() {
    BenchRunner.deleteTree(root);
    for (Path p : created) {
      try (var entries = Files.list(p)) {
        if (entries.findAny().isPresent()) {
          return;
        }
        Files.deleteIfExists(p);
      } catch (IOException e) {
        return; // already gone, or not ours to judge: left as it is
      }
    }
  }

  /** {@link #delete}, as far as it goes: for a shutdown hook, which must not fail. */
  void deleteQuietly() {
    try {
      delete();
    } catch (RuntimeException e) {
      // the caller reports what is left: root() still exists
    }
  }
}
