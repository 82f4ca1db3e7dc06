package dev.cairn.examples.application;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.database.Database;
import dev.cairn.runtime.database.RetiredStore;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding and dropping keyspaces survives kill -9: a child JVM ({@link CatalogChangeCrashChild})
 * adds keyspaces on hash, lsm, btree and in a shared lsm store, writes each one value, and drops
 * every other one; the test kills it at a random moment, three times in a row, and checks after
 * each reopen that the catalog opens, that every keyspace whose add returned is there with its
 * acknowledged value (unless its drop began), that an add in flight is there whole or absent (a
 * stray at most), and that a drop in flight is done or left retired, which {@code retire} then
 * finishes.
 *
 * <p>Randomized: the seed is printed; replay with {@code -Dcairn.database.crash.seed=<seed>}.
 */
class CatalogChangeCrashTest {

  @TempDir Path tmp;

  @Test
  void addsAndDropsOfKeyspacesSurviveKillNine() throws Exception {
    long seed = Long.getLong("cairn.database.crash.seed", System.nanoTime());
    System.out.println(
        "CatalogChangeCrashTest seed "
            + seed
            + " (replay: -Dcairn.database.crash.seed="
            + seed
            + " -Dtest=CatalogChangeCrashTest)");
    SplittableRandom rnd = new SplittableRandom(seed);
    Path dir = tmp.resolve("db");
    TreeSet<String> present = new TreeSet<>(); // added and written, no drop begun
    int next = 0;
    int changes = 0;
    for (int kill = 0; kill < 3; kill++) {
      List<String> lines = runAndKill(dir, next, rnd.nextInt(500, 2500));
      String addInFlight = null;
      String dropInFlight = null;
      TreeSet<String> added = new TreeSet<>();
      for (String line : lines) {
        String[] w = line.split(" ");
        switch (w[0]) {
          case "BEGIN" -> {
            if (w[1].equals("add")) {
              addInFlight = w[2];
              next = Integer.parseInt(w[2].substring(2)) + 1;
            } else {
              dropInFlight = w[2];
              present.remove(w[2]);
              added.remove(w[2]);
            }
          }
          case "ADDED" -> {
            addInFlight = null;
            added.add(w[1]);
            changes++;
          }
          case "WROTE" -> {
            present.add(w[1]);
            added.remove(w[1]);
          }
          case "DROPPED" -> {
            dropInFlight = null;
            changes++;
          }
          default -> {}
        }
      }
      try (Database db = Cairn.database(dir).open()) {
        TreeSet<String> names = new TreeSet<>(db.keyspaceNames());
        for (String k : present) {
          assertTrue(names.contains(k), "seed " + seed + ": keyspace " + k + " was lost: " + names);
          assertArrayEquals(
              engineOf(k).getBytes(UTF_8),
              db.keyspace(k).get(k.getBytes(UTF_8)),
              "seed " + seed + ": the acknowledged value of " + k);
        }
        TreeSet<String> allowed = new TreeSet<>(present);
        allowed.addAll(added); // added, its write not acknowledged
        if (addInFlight != null) {
          allowed.add(addInFlight);
        }
        if (dropInFlight != null) {
          allowed.add(dropInFlight);
        }
        assertTrue(
            allowed.containsAll(names),
            "seed " + seed + ": keyspaces " + names + ", expected within " + allowed);
        for (RetiredStore r : db.retired()) {
          assertEquals(dropInFlight, r.keyspace(), "seed " + seed + ": only a drop in flight");
          db.retire(r);
        }
        if (dropInFlight != null && names.contains(dropInFlight)) {
          db.dropKeyspace(dropInFlight);
        }
        for (String k : added) {
          if (names.contains(k)) {
            present.add(k); // its write's fate is the engine's; the keyspace is there
            byte[] v = db.keyspace(k).get(k.getBytes(UTF_8));
            if (v == null) {
              db.keyspace(k).put(k.getBytes(UTF_8), engineOf(k).getBytes(UTF_8));
            }
          }
        }
        if (addInFlight != null && names.contains(addInFlight)) {
          present.add(addInFlight);
          db.keyspace(addInFlight)
              .put(addInFlight.getBytes(UTF_8), engineOf(addInFlight).getBytes(UTF_8));
        }
        // strays: at most the store (or engine keyspace) of one add in flight per kill
        assertTrue(db.strays().size() <= kill + 1, "seed " + seed + ": strays " + db.strays());
        present.retainAll(new TreeSet<>(db.keyspaceNames()));
      }
    }
    assertTrue(changes > 0, "the children changed the catalog before they were killed");
    System.out.println(
        "CatalogChangeCrashTest: " + changes + " acknowledged adds and drops over 3 kills");
  }

  private static String engineOf(String keyspace) {
    int n = Integer.parseInt(keyspace.substring(2));
    return CatalogChangeCrashChild.ENGINES[n % CatalogChangeCrashChild.ENGINES.length];
  }

  private List<String> runAndKill(Path dir, int first, int millis) throws Exception {
    Path out = Files.createTempFile(tmp, "child-", ".out");
    Path err = Files.createTempFile(tmp, "child-", ".err");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    String modules = System.getProperty("jdk.module.path");
    String classes = System.getProperty("java.class.path");
    cmd.add(
        modules == null || modules.isBlank() ? classes : modules + File.pathSeparator + classes);
    cmd.add(CatalogChangeCrashChild.class.getName());
    cmd.add(dir.toString());
    cmd.add(Integer.toString(first));
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
    String all = Files.readString(out, UTF_8);
    List<String> lines = new ArrayList<>(all.lines().toList());
    if (!all.endsWith("\n") && !lines.isEmpty()) {
      lines.removeLast(); // cut short by the kill
    }
    return lines;
  }
}
