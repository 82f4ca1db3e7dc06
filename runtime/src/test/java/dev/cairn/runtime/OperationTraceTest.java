package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operation trace a store records: docs/formats/operation-trace.md, byte for byte. */
class OperationTraceTest {

  private final EngineRegistry registry = EngineRegistry.of(List.of(TinyProvider.spi11("tiny")));

  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  record Rec(
      int kind, int flags, int keyLength, int valueLength, long fp, long nanos, byte[] value) {}

  /** Reads the file as the format document draws it. */
  static List<Rec> read(Path file, boolean[] valuesOut) throws Exception {
    ByteBuffer f = ByteBuffer.wrap(Files.readAllBytes(file));
    byte[] magic = new byte[8];
    f.get(magic);
    assertEquals("CAIRNTRC", new String(magic, StandardCharsets.US_ASCII));
    assertEquals(1, f.getShort());
    int flags = f.getShort();
    boolean values = (flags & 1) != 0;
    valuesOut[0] = values;
    double rate = f.getDouble();
    assertTrue(rate > 0 && rate <= 1);
    f.getLong(); // salt
    assertTrue(Math.abs(f.getLong() - System.currentTimeMillis()) < 600_000);
    f.get(); // durability
    byte[] name = new byte[f.getShort()];
    f.get(name);
    assertEquals("tiny", new String(name, StandardCharsets.UTF_8));
    List<Rec> out = new ArrayList<>();
    while (f.hasRemaining()) {
      int kind = f.get();
      int fl = f.get();
      int kl = f.getInt();
      int vl = f.getInt();
      long fp = f.getLong();
      long at = f.getLong();
      byte[] v = null;
      if (values && kind == 2) {
        v = new byte[vl];
        f.get(v);
      }
      out.add(new Rec(kind, fl, kl, vl, fp, at, v));
    }
    return out;
  }

  @Test
  void everyOperationIsRecordedWithItsSizesAndAFingerprintNotItsKey() throws Exception {
    Path trace = dir.resolve("ops.trace");
    try (StorageEngine s = registry.store().engine("tiny").operationTrace(trace, 1.0).open()) {
      s.put(b("secret-key-1"), b("value-1"));
      s.get(b("secret-key-1"));
      s.get(b("k2"));
      s.delete(b("secret-key-1"));
      s.write(new WriteBatch().put(b("a"), b("1")).put(b("b"), b("22")));
      try (Cursor c = s.cursor(KeyRange.atLeast(b("a")), Direction.FORWARD)) {
        while (c.next()) {
          c.key();
        }
      }
    }
    boolean[] values = new boolean[1];
    List<Rec> r = read(trace, values);
    assertEquals(false, values[0]);
    assertEquals(List.of(2, 1, 1, 3, 2, 2, 4), r.stream().map(Rec::kind).toList(), r::toString);
    assertEquals(7, r.get(0).valueLength());
    assertEquals(12, r.get(0).keyLength());
    assertEquals(2, r.get(1).flags() & 2); // found
    assertEquals(7, r.get(1).valueLength());
    assertEquals(0, r.get(2).flags() & 2); // not found
    assertEquals(-1, r.get(2).valueLength());
    assertEquals(r.get(0).fp(), r.get(1).fp());
    assertEquals(r.get(0).fp(), r.get(3).fp());
    assertNotEquals(r.get(0).fp(), r.get(2).fp());
    assertEquals(1, r.get(4).flags() & 1); // in a batch
    assertEquals(2, r.get(6).valueLength()); // the scan stepped over a and b
    for (int i = 1; i < r.size(); i++) {
      assertTrue(r.get(i).nanos() >= r.get(i - 1).nanos(), r::toString);
    }
    byte[] file = Files.readAllBytes(trace);
    for (String k : new String[] {"secret-key-1", "value-1"}) {
      assertTrue(indexOf(file, b(k)) < 0, "the trace holds " + k);
    }
  }

  @Test
  void valuesAreRecordedOnlyWhenAskedAndTheSampleRateHolds() throws Exception {
    Path trace = dir.resolve("values.trace");
    try (StorageEngine s =
        registry
            .store()
            .engine("tiny")
            .operationTrace(trace, 1.0)
            .operationTraceValues(true)
            .open()) {
      s.put(b("k"), b("the value"));
    }
    boolean[] values = new boolean[1];
    List<Rec> r = read(trace, values);
    assertTrue(values[0]);
    assertArrayEquals(b("the value"), r.getFirst().value());

    Path sampled = dir.resolve("sampled.trace");
    try (StorageEngine s = registry.store().engine("tiny").operationTrace(sampled, 0.1).open()) {
      for (int i = 0; i < 10_000; i++) {
        s.get(b("k" + i));
      }
    }
    int n = read(sampled, values).size();
    assertTrue(n > 800 && n < 1200, "recorded " + n);
    assertThrows(
        InvalidArgumentException.class,
        () -> registry.store().engine("tiny").operationTrace(sampled, 0));
    assertThrows(
        InvalidArgumentException.class,
        () -> registry.store().engine("tiny").operationTrace(null, 0.5));
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    for (int i = 0; i + needle.length <= hay.length; i++) {
      if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }
}
