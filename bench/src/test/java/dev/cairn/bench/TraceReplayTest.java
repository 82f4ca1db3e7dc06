package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.bench.trace.OperationTrace;
import dev.cairn.spi.Durability;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading operation traces (docs/formats/operation-trace.md) and replaying them on stores: what the
 * format refuses, and which stores a trace leaves out and why.
 */
class TraceReplayTest {

  @TempDir Path tmp;

  /** Writes a trace file as the format draws it. */
  private static final class TraceFile {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TraceFile(boolean durable) {
      byte[] name = "hash".getBytes(StandardCharsets.UTF_8);
      ByteBuffer h = ByteBuffer.allocate(39 + name.length);
      h.put("CAIRNTRC".getBytes(StandardCharsets.US_ASCII)).putShort((short) 1);
      h.putShort((short) (durable ? 2 : 0)).putDouble(1.0).putLong(7).putLong(0).put((byte) 1);
      h.putShort((short) name.length).put(name);
      out.writeBytes(h.array());
    }

    TraceFile op(int kind, int flags, int keyLength, int valueLength, long fp) {
      ByteBuffer r = ByteBuffer.allocate(26);
      r.put((byte) kind).put((byte) flags).putInt(keyLength).putInt(valueLength).putLong(fp);
      r.putLong(out.size());
      out.writeBytes(r.array());
      return this;
    }

    Path write(Path file) throws IOException {
      Files.write(file, out.toByteArray());
      return file;
    }
  }

  private static TraceFile mixed(boolean durable) {
    TraceFile t = new TraceFile(durable);
    for (int i = 0; i < 50; i++) {
      t.op(OperationTrace.PUT, 0, 16, 100, i % 10);
      t.op(OperationTrace.GET, 2, 16, 100, i % 10);
      t.op(OperationTrace.GET, 0, 16, -1, 1000 + i);
    }
    return t;
  }

  @Test
  void aTraceIsReadWithItsMixKeysAndNeeds() throws IOException {
    OperationTrace t = OperationTrace.read(mixed(true).write(tmp.resolve("t")), 1_000_000);
    assertEquals(150, t.size());
    assertEquals(List.of("get", "put"), List.copyOf(t.mix().keySet()));
    assertEquals(60, t.distinctKeys());
    assertTrue(t.durable() && !t.sync() && !t.needsOrder());
    assertEquals("hash", t.engine());
    OperationTrace capped = OperationTrace.read(tmp.resolve("t"), 100);
    assertEquals(100, capped.size());
    assertEquals(50, capped.leftOut());
  }

  @Test
  void aDamagedTraceIsRefusedNamingTheRecord() throws IOException {
    byte[] good = mixed(false).out.toByteArray();
    byte[] bad = good.clone();
    int header = 39 + 4;
    bad[header + 26] = 9; // the second record's kind
    Path file = Files.write(tmp.resolve("bad"), bad);
    IOException e = assertThrows(IOException.class, () -> OperationTrace.read(file, 1000));
    assertTrue(e.getMessage().contains("record 1 at byte " + (header + 26)), e.getMessage());
    assertTrue(e.getMessage().contains("unknown operation kind 9"), e.getMessage());

    Path cut = Files.write(tmp.resolve("cut"), Arrays.copyOf(good, good.length - 5));
    OperationTrace t = OperationTrace.read(cut, 1000);
    assertTrue(t.truncated());
    assertEquals(149, t.size());

    byte[] version = good.clone();
    version[9] = 2;
    Path v2 = Files.write(tmp.resolve("v2"), version);
    IOException ve = assertThrows(IOException.class, () -> OperationTrace.read(v2, 1000));
    assertTrue(ve.getMessage().contains("version 2"), ve.getMessage());
  }

  @Test
  void aTraceThatScansLeavesOutStoresWithoutKeyOrder() throws IOException {
    TraceFile f = mixed(false);
    f.op(OperationTrace.SCAN, 0, 16, 10, 3);
    OperationTrace t = OperationTrace.read(f.write(tmp.resolve("scan")), 1000);
    TraceReplay replay =
        new TraceReplay(t, 2, Durability.BUFFERED, 1, tmp, BenchConfig.DEFAULT_CACHES);
    BenchReport report =
        replay.replay(
            List.of(MapStore.unorderedTarget("hash"), MapStore.target("tree")),
            ProgressListener.NONE);
    assertEquals(1, report.runs().size());
    RunResult run = report.runs().getFirst();
    assertEquals("tree", run.target());
    assertEquals(2 * 151, run.operations());
    assertEquals(2 * 50, run.found()); // the gets of keys the trace put, not the others
    assertTrue(report.notApplicable().getFirst().reason().startsWith("no key order"));
    Recommendation r = Recommendation.of(report, t);
    assertEquals("tree", r.engine());
    assertTrue(r.format().contains("hash was not run: no key order"), r.format());
  }

  @Test
  void aTraceOfADurableStoreLeavesOutStoresInMemory() throws IOException {
    OperationTrace t = OperationTrace.read(mixed(true).write(tmp.resolve("d")), 1000);
    BenchReport report =
        new TraceReplay(t, 1, Durability.BUFFERED, 1, tmp, BenchConfig.DEFAULT_CACHES)
            .replay(List.of(MapStore.target("map")), ProgressListener.NONE);
    assertEquals(List.of(), report.runs());
    Recommendation r = Recommendation.of(report, t);
    assertNull(r.engine());
    assertTrue(r.format().contains("map was not run: not durable"), r.format());
  }
}
