package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.runtime.database.Database;
import dev.cairn.spi.StorageEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Path store(String engine, int keys) {
    Path dir = tmp.resolve("store");
    for (int i = 0; i < keys; i++) {
      CliRun r =
          CliRun.run(
              EngineRegistry.discover(),
              "put",
              "--dir",
              dir.toString(),
              "--engine",
              engine,
              "k" + i,
              "v");
      assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    }
    return dir;
  }

  private static List<JsonNode> lines(String out) throws IOException {
    List<JsonNode> objects = new ArrayList<>();
    for (String line : out.lines().toList()) {
      objects.add(JSON.readTree(line));
    }
    return objects;
  }

  @Test
  void aStoreNoProcessHoldsIsOpenedReadOnlyAndItsStatisticsPrinted() throws IOException {
    Path dir = store("hash", 3);
    CliRun r = CliRun.run(EngineRegistry.discover(), "stats", dir.toString());
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertTrue(
        r.out().startsWith("store " + dir.toAbsolutePath() + "  engine hash  (opened"), r.out());
    assertTrue(r.out().matches("(?s).*approximate keys +3\n.*"), r.out());
    assertTrue(r.out().matches("(?s).*health +OK\n.*"), r.out());

    r =
        CliRun.run(
            EngineRegistry.discover(),
            "stats",
            dir.toString(),
            "--json",
            "--watch",
            "--count",
            "2",
            "--interval",
            "10ms");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    List<JsonNode> samples = lines(r.out());
    assertEquals(2, samples.size(), r.out());
    for (JsonNode s : samples) {
      assertEquals("opened", s.path("source").asText());
      assertEquals("hash", s.path("engine").asText());
      assertEquals(3, s.path("statistics").path("approximateKeys").asLong());
    }
  }

  @Test
  void aStoreHeldByAProcessThatDoesNotPublishIsExplained() {
    Path dir = store("hash", 1);
    try (StorageEngine held = Cairn.store(dir).open()) {
      held.put(new byte[] {1}, new byte[] {2});
      CliRun r = CliRun.run(EngineRegistry.discover(), "stats", dir.toString());
      assertEquals(ExitCodes.STORAGE, r.exitCode(), r.describe());
      assertTrue(r.err().contains("publishes no statistics"), r.err());
      assertTrue(r.err().contains("StoreBuilder.statisticsFile(Duration)"), r.err());
    }
  }

  @Test
  void aDatabaseShowsEachKeyspacesStatisticsAndOneKeyspaceOnAsking() throws IOException {
    Path db = tmp.resolve("db");
    try (Database d = Cairn.database(db).open()) {
      d.createKeyspace("sessions", "hash").put(new byte[] {1}, new byte[] {1});
      var events = d.createKeyspace("events", "lsm");
      for (int i = 0; i < 5; i++) {
        events.put(new byte[] {(byte) i}, new byte[] {2});
      }
    }
    CliRun r = CliRun.run(EngineRegistry.discover(), "stats", "--db", db.toString());
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertTrue(r.out().startsWith("database " + db.toAbsolutePath() + "  (opened"), r.out());
    assertTrue(r.out().contains("keyspace sessions\nstore "), r.out());
    assertTrue(r.out().matches("(?s).*keyspace events\nstore [^\n]*  engine lsm\n.*"), r.out());
    assertTrue(r.out().matches("(?s).*approximate keys +5\n.*"), r.out());

    r =
        CliRun.run(
            EngineRegistry.discover(), "stats", "--db", db.toString(), "-k", "sessions", "--json");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    JsonNode o = lines(r.out()).getFirst();
    assertEquals("cairn-database-statistics", o.path("format").asText());
    assertEquals(1, o.path("keyspaces").size(), o.toString());
    JsonNode ks = o.path("keyspaces").get(0);
    assertEquals("sessions", ks.path("keyspace").asText());
    assertEquals("hash", ks.path("engine").asText());
    assertEquals(1, ks.path("statistics").path("approximateKeys").asLong(), ks.toString());
    assertEquals("OK", ks.path("health").path("status").asText());

    r = CliRun.run(EngineRegistry.discover(), "stats", "--db", db.toString(), "-k", "nope");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("no keyspace 'nope'"), r.err());
    assertTrue(r.err().contains("[events, sessions]"), r.err());

    // The database's directory is no store: said so, with what to do instead.
    r = CliRun.run(EngineRegistry.discover(), "stats", db.toString());
    assertFalse(r.exitCode() == ExitCodes.OK, r.describe());
    assertTrue(r.err().contains("it is a database"), r.err());
    assertTrue(r.err().contains("--db DIR"), r.err());
  }

  @Test
  void badArgumentsAreUsageErrors() {
    CliRun r = CliRun.run("stats", tmp.resolve("missing").toString());
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("no such directory"), r.err());
    r = CliRun.run("stats", tmp.toString(), "--watch", "--interval", "1ms");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("--interval must be at least 10ms"), r.err());
    r = CliRun.run("stats");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("name a store's directory, or a database with --db DIR"), r.err());
    r = CliRun.run("stats", tmp.toString(), "--db", tmp.toString());
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("not both"), r.err());
    r = CliRun.run("stats", tmp.toString(), "--keyspace", "a");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("--keyspace needs --db"), r.err());
  }

  /**
   * A child JVM writes to a hash store, publishing its statistics every 50 ms; {@code cairn stats
   * --json --watch} reads figures that change while it writes, and once it has closed the store,
   * opens the store itself.
   */
  @Test
  void aLiveStoreInAnotherProcessShowsChangingFigures() throws Exception {
    Path dir = tmp.resolve("live");
    Path source = tmp.resolve("Writer.java");
    Files.writeString(
        source,
        """
        import dev.cairn.runtime.Cairn;
        import dev.cairn.spi.Durability;
        import dev.cairn.spi.StorageEngine;
        import java.nio.charset.StandardCharsets;
        import java.nio.file.Path;
        import java.time.Duration;

        public class Writer {
          public static void main(String[] args) throws Exception {
            try (StorageEngine store =
                Cairn.store(Path.of(args[0]))
                    .engine("hash")
                    .storeName("live")
                    .statisticsFile(Duration.ofMillis(50))
                    .open()) {
              System.out.println("open");
              for (long i = 0; System.in.available() == 0; i++) {
                store.put(("k" + i).getBytes(StandardCharsets.UTF_8), new byte[100], Durability.BUFFERED);
                Thread.sleep(1);
              }
            }
          }
        }
        """);
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--class-path",
            System.getProperty("java.class.path"),
            "--module-path",
            System.getProperty("jdk.module.path"),
            "--add-modules",
            "dev.cairn.runtime,dev.cairn.engine.hash",
            source.toString(),
            dir.toString());
    Path err = tmp.resolve("writer-err.txt");
    Process writer = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    try {
      awaitFile(dir.resolve(StatsCommand.FILE_NAME), writer, err);
      // One watch of four samples 300 ms apart normally sees the writer's figures grow; on a
      // machine so loaded that the writer got no time in that second, the watch is repeated (at
      // most ten times) rather than the test failing for the machine's load.
      CliRun r = null;
      long first = -1;
      long last = -1;
      for (int attempt = 0; attempt < 10 && !(last > first); attempt++) {
        r =
            CliRun.run(
                EngineRegistry.discover(),
                "stats",
                dir.toString(),
                "--json",
                "--watch",
                "--interval",
                "300ms",
                "--count",
                "4");
        assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
        List<JsonNode> samples = lines(r.out());
        assertEquals(4, samples.size(), r.out());
        first = -1;
        last = -1;
        for (JsonNode s : samples) {
          assertEquals("file", s.path("source").asText(), s.toString());
          assertEquals("hash", s.path("engine").asText());
          assertEquals("live", s.path("store").asText());
          assertEquals(writer.pid(), s.path("pid").asLong());
          long keys = s.path("statistics").path("approximateKeys").asLong();
          assertTrue(keys >= last, "keys only grow: " + r.out());
          first = first < 0 ? keys : first;
          last = keys;
        }
      }
      assertTrue(last > first, "the figures changed while the writer wrote: " + r.out());
      // NB: the writer may publish its first file before its first put: the last sample, taken
      // after the keys grew, shows the puts timed.
      JsonNode lastSample = lines(r.out()).getLast();
      assertTrue(hasMeter(lastSample, "cairn.operation", "put"), lastSample.toString());

      try (OutputStream stop = writer.getOutputStream()) {
        stop.write('\n');
      }
      assertTrue(writer.waitFor(1, TimeUnit.MINUTES), "the writer stops");
      assertEquals(0, writer.exitValue(), Files.readString(err));
      assertFalse(Files.exists(dir.resolve(StatsCommand.FILE_NAME)), "removed when it closed");

      r = CliRun.run(EngineRegistry.discover(), "stats", dir.toString(), "--json");
      assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
      JsonNode s = lines(r.out()).getFirst();
      assertEquals("opened", s.path("source").asText());
      assertTrue(s.path("statistics").path("approximateKeys").asLong() >= last, s.toString());
    } finally {
      writer.destroyForcibly().waitFor();
    }
  }

  private static boolean hasMeter(JsonNode sample, String name, String op) {
    for (JsonNode m : sample.path("meters")) {
      if (m.path("name").asText().equals(name)
          && m.path("tags").path("op").asText().equals(op)
          && m.path("tags").path("outcome").asText().equals("success")) {
        return m.path("values").path("count").asLong() > 0;
      }
    }
    return false;
  }

  private static void awaitFile(Path file, Process writer, Path err) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!Files.exists(file)) {
      if (!writer.isAlive() || System.nanoTime() > deadline) {
        fail("the writer published no " + file + ":\n" + Files.readString(err));
      }
      Thread.sleep(20);
    }
  }
}
