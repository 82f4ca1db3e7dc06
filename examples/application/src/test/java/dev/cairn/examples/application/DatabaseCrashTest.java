package dev.cairn.examples.application;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.database.Database;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database of three keyspaces on three engines ({@code sessions} on hash, {@code events} on lsm,
 * {@code catalog} on btree) survives kill -9: a child JVM ({@link DatabaseCrashChild}) writes with
 * {@code SYNC} and prints each acknowledgement; the test kills it ({@link
 * Process#destroyForcibly()}) at a random moment, reopens the database without naming an engine,
 * and checks that every acknowledged write is there, that the one write in flight is there whole or
 * not at all, and that nothing is older than what was acknowledged. Three children in a row
 * continue on the same database.
 *
 * <p>Randomized: the seed is printed; replay with {@code -Dcairn.database.crash.seed=<seed>}.
 */
class DatabaseCrashTest {

  private static final int KILLS = 3;

  @TempDir Path tmp;

  /** How the child, and the example, open the database. */
  static Database open(Path dir) {
    return Cairn.database(dir)
        .keyspace("sessions", "hash")
        .keyspace("events", "lsm")
        .keyspace("catalog", "btree")
        .open();
  }

  @Test
  void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
    long seed = Long.getLong("cairn.database.crash.seed", System.nanoTime());
    System.out.println(
        "DatabaseCrashTest seed "
            + seed
            + " (replay: -Dcairn.database.crash.seed="
            + seed
            + " -Dtest=DatabaseCrashTest)");
    SplittableRandom rnd = new SplittableRandom(seed);
    Path dir = tmp.resolve("db");
    // The model: every keyspace's keys and their values as acknowledged (absent: deleted/never).
    Map<String, Map<String, String>> model = new HashMap<>();
    for (String k : DatabaseCrashChild.KEYSPACES) {
      model.put(k, new TreeMap<>());
    }
    long step = 0;
    int acknowledged = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      List<String> lines = runAndKill(dir, seed, step, rnd.nextInt(300, 1500));
      Write inFlight = null;
      long last = step - 1;
      for (String line : lines) {
        if (line.startsWith("BEGIN ")) {
          inFlight = Write.parse(line);
          last = inFlight.step();
        } else if (line.startsWith("ACK ")) {
          long acked = Long.parseLong(line.substring(4).trim());
          assertEquals(inFlight.step(), acked, "acknowledgements follow their writes");
          inFlight.applyTo(model);
          inFlight = null;
          acknowledged++;
        }
      }
      try (Database db = Cairn.database(dir).open()) {
        assertEquals(List.of("catalog", "events", "sessions"), db.keyspaceNames());
        assertEquals("hash", db.keyspace("sessions").engine());
        assertEquals("lsm", db.keyspace("events").engine());
        assertEquals("btree", db.keyspace("catalog").engine());
        assertTrue(db.strays().isEmpty(), db.strays().toString());
        check(db, model, inFlight, seed, kill);
      }
      if (inFlight != null) {
        // What the reopened database holds for the write in flight is the truth from now on.
        try (Database db = Cairn.database(dir).open()) {
          for (Map.Entry<String, String> e : inFlight.effects().entrySet()) {
            byte[] v = db.keyspace(inFlight.keyspace()).get(e.getKey().getBytes(UTF_8));
            if (v == null) {
              model.get(inFlight.keyspace()).remove(e.getKey());
            } else {
              model.get(inFlight.keyspace()).put(e.getKey(), new String(v, UTF_8));
            }
          }
        }
      }
      step = last + 1;
    }
    assertTrue(acknowledged > 0, "the children acknowledged writes before they were killed");
    System.out.println(
        "DatabaseCrashTest: " + acknowledged + " acknowledged writes over " + KILLS + " kills");
  }

  private static void check(
      Database db, Map<String, Map<String, String>> model, Write inFlight, long seed, int kill) {
    int applied = 0;
    int notApplied = 0;
    for (String keyspace : DatabaseCrashChild.KEYSPACES) {
      for (int i = 0; i < DatabaseCrashChild.KEYS; i++) {
        String key = "k" + i;
        byte[] raw = db.keyspace(keyspace).get(key.getBytes(UTF_8));
        String actual = raw == null ? null : new String(raw, UTF_8);
        String expected = model.get(keyspace).get(key);
        boolean touched =
            inFlight != null
                && inFlight.keyspace().equals(keyspace)
                && inFlight.effects().containsKey(key);
        String written = touched ? inFlight.effects().get(key) : null;
        if (touched && !Objects.equals(written, expected)) {
          if (Objects.equals(actual, written)) {
            applied++;
            continue;
          }
          if (Objects.equals(actual, expected)) {
            notApplied++;
            continue;
          }
        } else if (Objects.equals(actual, expected)) {
          continue;
        }
        fail(
            "after kill "
                + kill
                + " (seed "
                + seed
                + "): keyspace '"
                + keyspace
                + "' key "
                + key
                + " holds "
                + actual
                + ", but the last acknowledged write left "
                + expected
                + (inFlight == null ? "" : " (write in flight: " + inFlight + ")"));
      }
    }
    assertTrue(
        applied == 0 || notApplied == 0,
        "seed " + seed + ": the write in flight was applied in part: " + inFlight);
  }

  /** Runs a child from {@code step} and kills it after {@code millis}; its output lines. */
  private List<String> runAndKill(Path dir, long seed, long step, int millis) throws Exception {
    Path out = Files.createTempFile(tmp, "child-", ".out");
    Path err = Files.createTempFile(tmp, "child-", ".err");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(DatabaseCrashChild.class.getName());
    cmd.add(dir.toString());
    cmd.add(Long.toString(seed));
    cmd.add(Long.toString(step));
    // NB: standard output goes to a file, not a pipe: a SIGKILLed child's lines are in the file
    // whole, where the JDK's draining of a dead child's pipe could drop the last ones.
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(out, UTF_8).startsWith("READY")
        && p.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (!Files.readString(out, UTF_8).startsWith("READY")) {
      p.destroyForcibly().waitFor();
      fail("the child did not start: " + Files.readString(err, UTF_8) + "\ncommand: " + cmd);
    }
    Thread.sleep(millis);
    if (!p.isAlive()) {
      fail("the child died before it was killed: " + Files.readString(err, UTF_8));
    }
    p.destroyForcibly();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the killed child ended");
    List<String> lines = new ArrayList<>(Files.readAllLines(out, UTF_8));
    // NB: the last line may be cut short by the kill; a line without its end is not counted.
    String all = Files.readString(out, UTF_8);
    if (!all.endsWith("\n") && !lines.isEmpty()) {
      lines.removeLast();
    }
    return lines;
  }

  private static String classPath() {
    String modules = System.getProperty("jdk.module.path");
    String classes = System.getProperty("java.class.path");
    return modules == null || modules.isBlank() ? classes : modules + File.pathSeparator + classes;
  }

  /**
   * One write of the child, as announced: its keyspace and what it does to each key it touches (a
   * value, or null for a delete).
   */
  record Write(long step, String keyspace, Map<String, String> effects, String line) {

    static Write parse(String line) {
      String[] parts = line.split(" ");
      long step = Long.parseLong(parts[1]);
      String kind = parts[2];
      String keyspace = parts[3];
      Map<String, String> effects = new HashMap<>();
      switch (kind) {
        case "put" -> effects.put(parts[4], parts[5]);
        case "delete" -> effects.put(parts[4], null);
        case "batch" -> {
          for (String kv : parts[4].split(",")) {
            int eq = kv.indexOf('=');
            effects.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        }
        default -> throw new AssertionError("unknown write " + line);
      }
      return new Write(step, keyspace, effects, line);
    }

    void applyTo(Map<String, Map<String, String>> model) {
      effects.forEach(
          (k, v) -> {
            if (v == null) {
              model.get(keyspace).remove(k);
            } else {
              model.get(keyspace).put(k, v);
            }
          });
    }

    @Override
    public String toString() {
      return line;
    }
  }
}
