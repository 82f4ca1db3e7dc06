package dev.cairn.engine.memory;

import static dev.cairn.engine.memory.TestStores.assertConsistent;
import static dev.cairn.engine.memory.TestStores.detail;
import static dev.cairn.engine.memory.TestStores.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.engine.toolkit.Bytes;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Random operations over several keyspaces (creates and drops, puts, deletes, range deletes,
 * batches over keyspaces with preconditions, the conditional conveniences, snapshots) checked
 * against a model: a sorted map per keyspace, copied for each snapshot.
 */
class KeyspaceModelTest {

  private static final List<String> NAMES = List.of(Keyspace.DEFAULT, "a", "b", "c");

  private final Map<String, NavigableMap<byte[], byte[]>> model = new TreeMap<>();
  private final List<Map.Entry<Snapshot, Map<String, NavigableMap<byte[], byte[]>>>> snapshots =
      new ArrayList<>();
  private SplittableRandom random;
  private StorageEngine e;

  @Test
  void randomOperationsMatchTheModel() {
    long seed = TestStores.seed("KeyspaceModelTest.randomOperationsMatchTheModel");
    for (int run = 0; run < 20; run++) {
      random = new SplittableRandom(seed + run);
      model.clear();
      model.put(Keyspace.DEFAULT, new TreeMap<>(Bytes.ORDER));
      snapshots.clear();
      try (StorageEngine store = TestStores.open()) {
        e = store;
        for (int step = 0; step < 400; step++) {
          try {
            step();
          } catch (AssertionError | RuntimeException x) {
            throw new AssertionError(
                "run " + run + " step " + step + " (replay with -Dcairn.seed=" + seed + ")", x);
          }
        }
        for (var s : snapshots) {
          verify(s.getKey(), s.getValue());
          s.getKey().close();
        }
        verifyLive();
        assertConsistent(e);
        long live = 0;
        for (var m : model.values()) {
          live += m.size();
        }
        assertEquals(live, e.statistics().approximateKeys());
        assertEquals(live, detail(e, "versions"), "no garbage once every reader closed");
      }
    }
  }

  private void step() {
    int op = random.nextInt(100);
    String ks = pickName();
    if (op < 25) {
      byte[] k = key();
      byte[] v = value();
      if (live(ks)) {
        e.keyspace(ks).put(k, v);
        model.get(ks).put(k, v);
      } else {
        assertThrows(InvalidArgumentException.class, () -> e.keyspace(ks));
      }
    } else if (op < 35) {
      if (live(ks)) {
        byte[] k = key();
        e.keyspace(ks).delete(k);
        model.get(ks).remove(k);
      }
    } else if (op < 42) {
      if (live(ks)) {
        KeyRange r = range();
        e.keyspace(ks).deleteRange(r, Durability.BUFFERED);
        model.get(ks).keySet().removeIf(r::contains);
      }
    } else if (op < 65) {
      batch();
    } else if (op < 75) {
      conditional(ks);
    } else if (op < 80) {
      if (live(ks)) {
        assertThrows(InvalidArgumentException.class, () -> e.createKeyspace(ks));
      } else {
        e.createKeyspace(ks);
        model.put(ks, new TreeMap<>(Bytes.ORDER));
      }
    } else if (op < 84) {
      if (!live(ks) || ks.equals(Keyspace.DEFAULT)) {
        assertThrows(InvalidArgumentException.class, () -> e.dropKeyspace(ks));
      } else {
        e.dropKeyspace(ks);
        model.remove(ks);
      }
    } else if (op < 89) {
      Map<String, NavigableMap<byte[], byte[]>> copy = new TreeMap<>();
      model.forEach((name, m) -> copy.put(name, new TreeMap<>(m)));
      snapshots.add(Map.entry(e.snapshot(), copy));
    } else if (op < 93 && !snapshots.isEmpty()) {
      var s = snapshots.remove(random.nextInt(snapshots.size()));
      verify(s.getKey(), s.getValue());
      s.getKey().close();
    } else {
      verifyLive();
    }
    assertEquals(model.keySet().stream().sorted().toList(), e.keyspaces());
  }

  /** A batch over up to three keyspaces, sometimes with a missing one or a failing precondition. */
  private void batch() {
    WriteBatch batch = new WriteBatch();
    Map<String, NavigableMap<byte[], byte[]>> after = new TreeMap<>();
    model.forEach((name, m) -> after.put(name, new TreeMap<>(m)));
    boolean missing = false;
    boolean conflict = false;
    int ops = 1 + random.nextInt(8);
    for (int i = 0; i < ops; i++) {
      String ks = pickName();
      NavigableMap<byte[], byte[]> m = after.get(ks);
      missing |= m == null;
      int kind = random.nextInt(10);
      byte[] k = key();
      if (kind < 5) {
        byte[] v = value();
        batch.put(ks, k, v);
        if (m != null) {
          m.put(k, v);
        }
      } else if (kind < 8) {
        batch.delete(ks, k);
        if (m != null) {
          m.remove(k);
        }
      } else {
        KeyRange r = range();
        batch.deleteRange(ks, r);
        if (m != null) {
          m.keySet().removeIf(r::contains);
        }
      }
    }
    int preconditions = random.nextInt(3);
    for (int i = 0; i < preconditions; i++) {
      String ks = pickName();
      NavigableMap<byte[], byte[]> m = model.get(ks);
      missing |= m == null;
      byte[] k = key();
      byte[] now = m == null ? null : m.get(k);
      if (random.nextBoolean()) {
        batch.requireAbsent(ks, k);
        conflict |= now != null;
      } else {
        byte[] expected = now != null && random.nextInt(4) > 0 ? now : value();
        batch.requireValue(ks, k, expected);
        conflict |= now == null || !Arrays.equals(now, expected);
      }
    }
    if (missing) {
      assertThrows(InvalidArgumentException.class, () -> e.write(batch));
    } else if (conflict) {
      assertThrows(ConflictException.class, () -> e.write(batch));
    } else {
      e.write(batch);
      model.clear();
      model.putAll(after);
    }
  }

  private void conditional(String ks) {
    if (!live(ks)) {
      return;
    }
    Keyspace k = e.keyspace(ks);
    NavigableMap<byte[], byte[]> m = model.get(ks);
    byte[] key = key();
    byte[] now = m.get(key);
    byte[] expected = now != null && random.nextBoolean() ? now : value();
    byte[] v = value();
    Durability d = Durability.BUFFERED;
    switch (random.nextInt(3)) {
      case 0 -> {
        assertEquals(now == null, k.putIfAbsent(key, v, d));
        m.putIfAbsent(key, v);
      }
      case 1 -> {
        boolean holds = Arrays.equals(now, expected);
        assertEquals(holds, k.replace(key, expected, v, d));
        if (holds) {
          m.put(key, v);
        }
      }
      default -> {
        boolean holds = Arrays.equals(now, expected);
        assertEquals(holds, k.deleteIfEquals(key, expected, d));
        if (holds) {
          m.remove(key);
        }
      }
    }
  }

  private void verifyLive() {
    for (String name : NAMES) {
      if (live(name)) {
        Keyspace k = e.keyspace(name);
        check(k, model.get(name), name);
        assertEquals(model.get(name).size(), k.statistics().approximateKeys(), name);
      }
    }
  }

  private void verify(Snapshot s, Map<String, NavigableMap<byte[], byte[]>> expected) {
    for (String name : NAMES) {
      NavigableMap<byte[], byte[]> m = expected.get(name);
      if (m == null) {
        assertThrows(InvalidArgumentException.class, () -> s.keyspace(name), name);
      } else {
        check(s.keyspace(name), m, "snapshot of " + name);
      }
    }
  }

  private void check(ReadView view, NavigableMap<byte[], byte[]> m, String what) {
    KeyRange r = random.nextInt(3) == 0 ? KeyRange.all() : range();
    NavigableMap<byte[], byte[]> want = slice(m, r);
    boolean reverse = random.nextBoolean();
    List<String> got = new ArrayList<>();
    try (Cursor c = view.cursor(r, reverse ? Direction.REVERSE : Direction.FORWARD)) {
      while (c.next()) {
        got.add(str(c.key()) + "=" + str(c.value()));
      }
    }
    List<String> wanted = new ArrayList<>();
    (reverse ? want.descendingMap() : want).forEach((k, v) -> wanted.add(str(k) + "=" + str(v)));
    assertEquals(wanted, got, what + " over " + r);
    assertEquals(want.size(), view.approximateCount(r), what + " count over " + r);
    List<byte[]> keys = List.of(key(), key(), key());
    List<byte[]> values = view.multiGet(keys);
    for (int i = 0; i < keys.size(); i++) {
      assertEquals(str(m.get(keys.get(i))), str(values.get(i)), what + " multiGet");
    }
  }

  private boolean live(String name) {
    return model.containsKey(name);
  }

  private String pickName() {
    return NAMES.get(random.nextInt(NAMES.size()));
  }

  private byte[] key() {
    int n = 1 + random.nextInt(2);
    byte[] k = new byte[n];
    for (int i = 0; i < n; i++) {
      k[i] = (byte) ('a' + random.nextInt(5));
    }
    return k;
  }

  private byte[] value() {
    return TestStores.utf8("v" + random.nextInt(1000));
  }

  private KeyRange range() {
    byte[] a = key();
    byte[] b = key();
    if (Bytes.compare(a, b) > 0) {
      byte[] t = a;
      a = b;
      b = t;
    }
    return switch (random.nextInt(4)) {
      case 0 -> KeyRange.between(a, b);
      case 1 -> KeyRange.atLeast(a);
      case 2 -> KeyRange.atMost(b);
      default ->
          new KeyRange(new KeyRange.Bound(a, random.nextBoolean()), new KeyRange.Bound(b, true));
    };
  }

  /** The entries of {@code m} in {@code r}, found by {@link KeyRange#contains}, independently. */
  private static NavigableMap<byte[], byte[]> slice(NavigableMap<byte[], byte[]> m, KeyRange r) {
    NavigableMap<byte[], byte[]> in = new TreeMap<>(Bytes.ORDER);
    m.forEach(
        (k, v) -> {
          if (r.contains(k)) {
            in.put(k, v);
          }
        });
    return in;
  }
}
