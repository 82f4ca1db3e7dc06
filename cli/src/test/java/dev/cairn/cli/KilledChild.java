package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A child JVM running a Java source file that writes to a store and prints what it acknowledged,
 * {@code > P key value} or {@code > D key} before each write and {@code <} after it, to be killed
 * with {@code kill -9} at a moment the test chooses. Its standard error goes to a file, shown when
 * it fails.
 */
final class KilledChild {

  /** What the child acknowledged before it was killed. */
  record Acknowledged(Map<String, String> writes, String pending) {

    /** Applies the writes to {@code model}: a value put, or the key removed for a delete. */
    void applyTo(Map<String, String> model) {
      writes.forEach(
          (k, v) -> {
            if (v == null) {
              model.remove(k);
            } else {
              model.put(k, v);
            }
          });
    }
  }

  private final Process process;
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final Thread reader;
  private final Path err;

  private KilledChild(Process process, Path err) {
    this.process = process;
    this.err = err;
    this.reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                      lines.add(l);
                    }
                  } catch (IOException e) {
                    // the child was killed mid-line: what was read is what it acknowledged
                  }
                });
  }

  /**
   * Runs {@code source} in a JVM with this one's class and module paths, {@code modules} added, and
   * {@code args}; its standard error goes to {@code err}.
   */
  static KilledChild start(Path source, String modules, Path err, String... args)
      throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "--class-path",
                System.getProperty("java.class.path"),
                "--module-path",
                System.getProperty("jdk.module.path"),
                "--add-modules",
                modules,
                source.toString()));
    cmd.addAll(List.of(args));
    return new KilledChild(new ProcessBuilder(cmd).redirectError(err.toFile()).start(), err);
  }

  /** Waits until the child printed {@code line}; fails if it died or the deadline passed. */
  void await(String line, long deadlineNanos) throws Exception {
    while (!lines.contains(line)) {
      if (!process.isAlive() || System.nanoTime() > deadlineNanos) {
        process.destroyForcibly();
        fail("the child did not print '" + line + "':\n" + Files.readString(err));
      }
      Thread.sleep(5);
    }
  }

  /** Kills the child with SIGKILL, failing if it had died already. */
  void kill() throws Exception {
    if (!process.isAlive()) {
      fail("the child runs until killed:\n" + Files.readString(err));
    }
    process.toHandle().destroyForcibly();
    process.waitFor();
    reader.join();
  }

  /** Whether the child printed {@code line}. */
  boolean printed(String line) {
    return lines.contains(line);
  }

  /** The writes acknowledged, in order, and the key of the one in flight (or null). */
  Acknowledged acknowledged() {
    Map<String, String> writes = new LinkedHashMap<>();
    String pending = null;
    String pendingValue = null;
    for (String l : List.copyOf(lines)) {
      if (l.startsWith("> ")) {
        String[] w = l.split(" ");
        if (w.length < 3 || (w[1].equals("P") && w.length < 4)) {
          break; // a line cut by the kill
        }
        pending = w[2];
        pendingValue = w[1].equals("P") ? w[3] : null;
      } else if (l.equals("<") && pending != null) {
        writes.remove(pending); // NB: keeps the order of the last write of each key
        writes.put(pending, pendingValue);
        pending = null;
      }
    }
    return new Acknowledged(writes, pending);
  }
}
