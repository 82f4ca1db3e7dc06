package dev.cairn.examples.application;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.database.Database;
import dev.cairn.runtime.database.DatabaseKeyspace;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of {@code docs/database.md}: a database with three keyspaces on three engines,
 * written, closed and reopened by name. The block between the {@code example} markers below is the
 * guide's first Java block, word for word (the test checks it), so the guide shows code that runs.
 */
class DatabaseExampleTest {

  @TempDir Path dir;

  static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void threeKeyspacesOnThreeEnginesWriteCloseAndReopenByName() {
    List<String> seen = new ArrayList<>();
    // example:start
    try (Database db =
        Cairn.database(dir)
            .keyspace("sessions", "hash") // point reads and writes
            .keyspace("events", "lsm") // write-heavy, read in order
            .keyspace("catalog", "btree") // read-heavy, read in order
            .open()) {
      db.keyspace("sessions").put(bytes("session-42"), bytes("alice"));
      db.keyspace("catalog").put(bytes("item-7"), bytes("lamp"));

      DatabaseKeyspace events = db.keyspace("events");
      events.write( // atomic within the keyspace
          new WriteBatch()
              .put(bytes("2026-12-06T18:00:00Z#1"), bytes("login alice"))
              .put(bytes("2026-12-06T18:00:01Z#2"), bytes("view item-7")));
    }

    // Reopened by name: the catalog remembers each keyspace's engine and settings.
    try (Database db = Cairn.database(dir).open();
        Cursor c =
            db.keyspace("events").cursor(KeyRange.prefix(bytes("2026-12-06")), Direction.FORWARD)) {
      while (c.next()) {
        seen.add(new String(c.value(), UTF_8));
      }
    }
    // example:end
    assertEquals(List.of("login alice", "view item-7"), seen);
    try (Database db = Cairn.database(dir).open()) {
      assertEquals("alice", new String(db.keyspace("sessions").get(bytes("session-42")), UTF_8));
      assertEquals("lamp", new String(db.keyspace("catalog").get(bytes("item-7")), UTF_8));
      assertEquals("hash", db.keyspace("sessions").engine());
      assertEquals("lsm", db.keyspace("events").engine());
      assertEquals("btree", db.keyspace("catalog").engine());
      // A batch across engines is refused, naming both keyspaces (docs/database.md).
      UnsupportedCapabilityException e =
          assertThrows(
              UnsupportedCapabilityException.class,
              () ->
                  db.write(
                      new WriteBatch()
                          .put("sessions", bytes("k"), bytes("v"))
                          .put("events", bytes("k"), bytes("v"))));
      assertTrue(e.getMessage().contains("'events' (engine 'lsm'"), e.getMessage());
    }
  }

  @Test
  void keyspacesOfOneSharedLsmStoreTakeAtomicBatchesAcrossThemAndReopen() {
    try (Database db =
        Cairn.database(dir)
            .sharedStore("ledger", "lsm")
            .keyspaceIn("accounts", "ledger")
            .keyspaceIn("transfers", "ledger")
            .open()) {
      db.write(
          new WriteBatch()
              .put("accounts", bytes("alice"), bytes("90"))
              .put("accounts", bytes("bob"), bytes("110"))
              .put("transfers", bytes("t1"), bytes("alice->bob 10")));
    }
    try (Database db = Cairn.database(dir).open()) {
      assertEquals("90", new String(db.keyspace("accounts").get(bytes("alice")), UTF_8));
      assertEquals("alice->bob 10", new String(db.keyspace("transfers").get(bytes("t1")), UTF_8));
      assertEquals(null, db.keyspace("transfers").get(bytes("alice")), "keyspaces are separate");
      assertEquals(List.of("ledger"), db.sharedStores());
    }
  }

  @Test
  void theGuideShowsThisExampleWordForWord() throws Exception {
    Path source =
        Path.of(
            System.getProperty("cairn.example.sources", "src/test/java"),
            "dev/cairn/examples/application/DatabaseExampleTest.java");
    String text = Files.readString(source);
    String start = "    // example:start\n";
    int from = text.indexOf(start) + start.length();
    int to = text.indexOf("    // example:end\n");
    StringBuilder example = new StringBuilder();
    for (String line : text.substring(from, to).split("\n", -1)) {
      example.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
    }
    String code = example.toString().stripTrailing() + "\n";
    String guide =
        Files.readString(
            Path.of(System.getProperty("cairn.database.guide", "../../docs/database.md")));
    assertTrue(
        guide.contains("```java\n" + code + "```\n"),
        "docs/database.md's first example is this test's, word for word:\n" + code);
  }
}
