package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static dev.cairn.engine.lsm.TestStores.open;
import static dev.cairn.engine.lsm.TestStores.s;
import static dev.cairn.engine.lsm.TestStores.settle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keyspaces share the log and the tree; each sees only its own keys; create and drop last. */
class KeyspaceTest {

  @TempDir Path dir;

  private static List<String> keys(ReadView v, Direction d) {
    List<String> out = new ArrayList<>();
    try (Cursor c = v.cursor(KeyRange.all(), d)) {
      while (c.next()) {
        out.add(s(c.key()) + "=" + s(c.value()));
      }
    }
    return out;
  }

  @Test
  void keyspacesHoldTheSameKeyApartAndABatchAcrossThemIsAtomicAndLasts() {
    try (LsmEngine e = open(dir, Map.of())) {
      Keyspace users = e.createKeyspace("users");
      Keyspace orders = e.createKeyspace("orders");
      assertEquals(List.of("default", "orders", "users"), e.keyspaces());
      e.put(b("k"), b("default"));
      users.put(b("k"), b("user"));
      e.write(new WriteBatch().put("orders", b("k"), b("order")).put("users", b("j"), b("u2")));
      assertEquals("default", s(e.get(b("k"))));
      assertEquals("user", s(users.get(b("k"))));
      assertEquals("order", s(orders.get(b("k"))));
      assertEquals(List.of("j=u2", "k=user"), keys(users, Direction.FORWARD));
      assertEquals(List.of("k=user", "j=u2"), keys(users, Direction.REVERSE));
      assertEquals(List.of("k=default"), keys(e, Direction.FORWARD));
      assertEquals(List.of("k=order"), keys(orders, Direction.REVERSE));
      InvalidArgumentException unknown =
          assertThrows(
              InvalidArgumentException.class,
              () -> e.write(new WriteBatch().put(b("x"), b("1")).put("nope", b("x"), b("1"))));
      assertTrue(unknown.getMessage().contains("nope"), unknown.getMessage());
      assertNull(e.get(b("x")), "nothing of a batch naming an unknown keyspace is applied");
      for (int i = 0; i < 500; i++) {
        users.put(b("u" + i), new byte[50]);
      }
      settle(e);
    }
    try (LsmEngine e = open(dir, Map.of())) {
      assertEquals(List.of("default", "orders", "users"), e.keyspaces());
      assertEquals("user", s(e.keyspace("users").get(b("k"))));
      assertEquals("order", s(e.keyspace("orders").get(b("k"))));
      assertEquals(List.of("k=default"), keys(e, Direction.FORWARD));
      long users = e.keyspace("users").statistics().approximateKeys();
      assertTrue(
          users >= 450 && users <= 560,
          "about the 502 entries of users, whose tables it shares with the others: " + users);
    }
  }

  @Test
  void aDroppedKeyspaceIsGoneForHandlesButNotForEarlierSnapshots() {
    try (LsmEngine e = open(dir, Map.of())) {
      Keyspace temp = e.createKeyspace("temp");
      temp.put(b("a"), b("1"));
      try (Snapshot before = e.snapshot()) {
        e.dropKeyspace("temp");
        assertThrows(InvalidStateException.class, () -> temp.get(b("a")));
        assertThrows(InvalidArgumentException.class, () -> e.keyspace("temp"));
        assertEquals(List.of("default"), e.keyspaces());
        assertEquals("1", s(before.keyspace("temp").get(b("a"))), "a snapshot before sees it");
        Keyspace again = e.createKeyspace("temp");
        assertNull(again.get(b("a")), "a new keyspace of the name starts empty");
        again.put(b("b"), b("2"));
      }
      assertThrows(InvalidArgumentException.class, () -> e.dropKeyspace("default"));
      assertThrows(InvalidArgumentException.class, () -> e.dropKeyspace("absent"));
      assertThrows(InvalidArgumentException.class, () -> e.createKeyspace("temp"));
    }
    try (LsmEngine e = open(dir, Map.of())) {
      assertEquals(List.of("b=2"), keys(e.keyspace("temp"), Direction.FORWARD));
    }
  }

  @Test
  void aDroppedKeyspacesEntriesArePurgedByCompaction() {
    try (LsmEngine e = open(dir, Map.of())) {
      Keyspace big = e.createKeyspace("big");
      for (int i = 0; i < 1000; i++) {
        big.put(b("k" + i), new byte[100]);
      }
      settle(e);
      long before = e.statistics().details().get("compaction.versions.dropped");
      e.dropKeyspace("big");
      for (int i = 0; i < 3000; i++) {
        e.put(b("z" + i), new byte[100]); // compactions run over the dropped keys
      }
      settle(e);
      long after = e.statistics().details().get("compaction.versions.dropped");
      assertTrue(after - before >= 500, "dropped keys purged: " + (after - before));
      assertTrue(e.checkConsistency().isConsistent());
    }
  }

  @Test
  void aCheckpointKeepsTheKeyspaces() {
    Path copy = dir.resolve("copy");
    try (LsmEngine e = open(dir.resolve("store"), Map.of())) {
      e.createKeyspace("a").put(b("x"), b("1"));
      e.checkpoint(copy);
    }
    try (LsmEngine e = open(copy, Map.of())) {
      assertEquals("1", s(e.keyspace("a").get(b("x"))));
    }
  }
}
