package dev.cairn.runtime.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.Limits;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.ViewGuard;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The reader refuses every damaged, cut or rearranged stream with a message that names where, hands
 * on only records of chunks that verified (a prefix of what was written), and never holds more than
 * one frame's worth of what the stream really contains. The fuzz test prints its seed; {@code
 * -Dcairn.fuzz.seed=N} replays it.
 */
class StreamFuzzTest {

  private static final ViewGuard GUARD = new ViewGuard();

  /** One entry of a keyspace, for comparing. */
  record Entry(int keyspace, byte[] key, byte[] value) {
    boolean same(Entry o) {
      return keyspace == o.keyspace && Arrays.equals(key, o.key) && Arrays.equals(value, o.value);
    }
  }

  private static final StreamHeader HEADER =
      new StreamHeader(
          "test",
          "1.0",
          Instant.ofEpochMilli(1_700_000_000_000L),
          true,
          List.of("alpha", "default", "zeta"));

  /** Keyspace alpha empty; default: many small entries; zeta: a long key and a large value. */
  static List<Entry> entries() {
    List<Entry> list = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      list.add(new Entry(1, b(String.format("key-%03d", i)), b("value-" + i)));
    }
    list.add(new Entry(1, b("z-empty-value"), new byte[0]));
    byte[] longKey = new byte[Limits.MAX_KEY_SIZE];
    Arrays.fill(longKey, (byte) 0x7A);
    byte[] large = new byte[5000];
    new Random(1).nextBytes(large);
    list.add(new Entry(2, new byte[0], b("the empty key")));
    list.add(new Entry(2, b("m"), large));
    list.add(new Entry(2, longKey, b("after the longest key")));
    return list;
  }

  static byte[] write(StreamHeader header, List<Entry> entries, int chunkTarget) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamWriter w = new StreamWriter(out, chunkTarget);
    try {
      w.header(header);
      for (int ks = 0; ks < header.keyspaces().size(); ks++) {
        w.beginKeyspace(ks);
        for (Entry e : entries) {
          if (e.keyspace == ks) {
            w.record(ByteView.of(e.key, GUARD), ByteView.of(e.value, GUARD));
          }
        }
        w.endKeyspace();
      }
      w.trailer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Reads {@code bytes}, collecting what the reader hands on; rethrows what it throws. */
  static StreamReader.Totals read(byte[] bytes, List<Entry> seen) {
    StreamReader r = new StreamReader(new ByteArrayInputStream(bytes), "test.cairnexp");
    try {
      r.header();
      return r.readAll((ks, k, v) -> seen.add(new Entry(ks, k, v)));
    } finally {
      // NB: whatever the damage, the reader held no more than twice what the stream has
      assertTrue(
          r.bufferSize() <= Math.max(64 * 1024, 2 * bytes.length),
          "the reader's buffer grew to " + r.bufferSize() + " for a stream of " + bytes.length);
    }
  }

  @Test
  void aStreamReadsBackWhatWasWrittenWithItsTotals() {
    List<Entry> entries = entries();
    byte[] bytes = write(HEADER, entries, 256);
    List<Entry> seen = new ArrayList<>();
    StreamReader.Totals t = read(bytes, seen);
    assertEquals(entries.size(), seen.size());
    for (int i = 0; i < entries.size(); i++) {
      assertTrue(entries.get(i).same(seen.get(i)), "entry " + i);
    }
    assertEquals(0, t.entries()[0]);
    assertEquals(61, t.entries()[1]);
    assertEquals(3, t.entries()[2]);
    assertEquals(bytes.length, t.streamBytes());
    assertEquals(HEADER, t.header());
  }

  @Test
  void theDigestDoesNotDependOnOrderAndCountsDuplicates() {
    EntryDigest a = new EntryDigest();
    EntryDigest b = new EntryDigest();
    byte[][] keys = {b("a"), b("b"), b("c")};
    for (byte[] k : keys) {
      a.add(k, k, 0, k.length);
    }
    for (int i = keys.length - 1; i >= 0; i--) {
      b.add(keys[i], keys[i], 0, keys[i].length);
    }
    assertArrayEquals(a.digest(), b.digest());
    b.add(keys[0], keys[0], 0, 1);
    assertTrue(!Arrays.equals(a.digest(), b.digest()), "a duplicate changes the digest");
    EntryDigest split1 = new EntryDigest();
    EntryDigest split2 = new EntryDigest();
    split1.add(b("ab"), b("c"), 0, 1);
    split2.add(b("a"), b("bc"), 0, 2);
    assertTrue(!Arrays.equals(split1.digest(), split2.digest()), "lengths are part of an entry");
  }

  @Test
  void aCutAtEveryByteIsRefusedAsTruncatedAndHandsOnOnlyAPrefix() {
    List<Entry> entries = entries();
    byte[] bytes = write(HEADER, entries, 256);
    for (int cut = 0; cut < bytes.length; cut++) {
      List<Entry> seen = new ArrayList<>();
      byte[] part = Arrays.copyOf(bytes, cut);
      CorruptionException e =
          assertThrows(CorruptionException.class, () -> read(part, seen), "cut at " + cut);
      String m = e.getMessage();
      assertTrue(
          cut < 8
              ? m.contains("not a Cairn export stream")
              : m.contains("is truncated: it ends at byte offset " + cut),
          "cut at " + cut + ": " + m);
      assertPrefix(entries, seen, "cut at " + cut);
    }
  }

  @Test
  void seededByteFlipsAreEachRefusedNamingWhereAndHandOnOnlyAPrefix() {
    long seed = Long.getLong("cairn.fuzz.seed", new Random().nextLong());
    System.out.println("StreamFuzzTest seed " + seed + " (replay: -Dcairn.fuzz.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    List<Entry> entries = entries();
    byte[] bytes = write(HEADER, entries, 256);
    for (int trial = 0; trial < 3000; trial++) {
      byte[] damaged = bytes.clone();
      int flips = 1 + random.nextInt(3);
      int at = random.nextInt(bytes.length);
      StringBuilder what = new StringBuilder();
      for (int f = 0; f < flips; f++) {
        int p = Math.min(bytes.length - 1, at + random.nextInt(8));
        int mask = 1 + random.nextInt(255);
        damaged[p] ^= (byte) mask;
        what.append(" byte ").append(p).append(" ^ ").append(mask);
      }
      List<Entry> seen = new ArrayList<>();
      String desc = "seed " + seed + " trial " + trial + ":" + what;
      try {
        read(damaged, seen);
        if (!Arrays.equals(bytes, damaged)) {
          fail(desc + ": the damaged stream was accepted");
        }
      } catch (CorruptionException e) {
        assertTrue(
            e.getMessage().contains("byte offset") || e.getMessage().contains("not a Cairn export"),
            desc + ": " + e.getMessage());
      } catch (IncompatibleVersionException e) {
        assertTrue(at < ExportFormat.PREAMBLE_SIZE + 8, desc + ": " + e.getMessage());
      } catch (StorageException e) {
        fail(desc + ": unexpected " + e);
      }
      assertPrefix(entries, seen, desc);
    }
  }

  @Test
  void aMissingFrameIsASequenceGap() {
    byte[] bytes = write(HEADER, entries(), 256);
    List<int[]> frames = frames(bytes);
    int[] second = frames.get(2); // a data chunk of 'default'
    byte[] without = new byte[bytes.length - second[1]];
    System.arraycopy(bytes, 0, without, 0, second[0]);
    System.arraycopy(
        bytes, second[0] + second[1], without, second[0], bytes.length - second[0] - second[1]);
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> read(without, new ArrayList<>()));
    assertTrue(e.getMessage().contains("sequence number 3 where 2 belongs"), e.getMessage());
    assertTrue(e.getMessage().contains("at byte offset " + second[0]), e.getMessage());
  }

  @Test
  void bytesAfterTheTrailerAreRefused() {
    byte[] bytes = write(HEADER, entries(), 256);
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> read(longer, new ArrayList<>()));
    assertTrue(
        e.getMessage().contains("bytes follow the trailer at byte offset " + bytes.length),
        e.getMessage());
  }

  @Test
  void aNewerVersionIsIncompatibleNotCorrupt() {
    byte[] bytes = write(HEADER, entries(), 256);
    bytes[8] = 2;
    IncompatibleVersionException e =
        assertThrows(IncompatibleVersionException.class, () -> read(bytes, new ArrayList<>()));
    assertTrue(
        e.getMessage().contains("format version 2; this reader reads version 1"), e.getMessage());
  }

  @Test
  void aHostileLengthIsRefusedOverTheLimitAndCostsNothingBelowIt() {
    byte[] bytes = write(HEADER, entries(), 256);
    int at = ExportFormat.PREAMBLE_SIZE; // the header frame
    byte[] over = bytes.clone();
    Le.putInt(over, at + 12, ExportFormat.MAX_PAYLOAD + 1);
    reseal(over, at);
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> read(over, new ArrayList<>()));
    assertTrue(
        e.getMessage().contains("over the limit of " + ExportFormat.MAX_PAYLOAD), e.getMessage());

    // a length at the limit, on a stream that holds far less: the reader grows only as bytes come
    byte[] under = Arrays.copyOf(bytes, at + ExportFormat.FRAME_HEADER_SIZE + 10);
    Le.putInt(under, at + 12, ExportFormat.MAX_PAYLOAD);
    reseal(under, at);
    StreamReader r = new StreamReader(new ByteArrayInputStream(under), "hostile");
    CorruptionException cut = assertThrows(CorruptionException.class, r::header);
    assertTrue(cut.getMessage().contains("is truncated"), cut.getMessage());
    assertTrue(r.bufferSize() <= 64 * 1024, "buffer grew to " + r.bufferSize());
  }

  @Test
  void anOrderedStreamWhoseKeysGoBackIsRefused() {
    List<Entry> entries = new ArrayList<>();
    entries.add(new Entry(0, b("b"), b("1")));
    entries.add(new Entry(0, b("a"), b("2")));
    StreamHeader h = new StreamHeader("test", "1", Instant.EPOCH, true, List.of("default"));
    CorruptionException e =
        assertThrows(
            CorruptionException.class, () -> read(write(h, entries, 256), new ArrayList<>()));
    assertTrue(
        e.getMessage().contains("does not follow the previous key in order"), e.getMessage());
    StreamHeader unordered =
        new StreamHeader("hash", "1", Instant.EPOCH, false, List.of("default"));
    List<Entry> seen = new ArrayList<>();
    read(write(unordered, entries, 256), seen);
    assertEquals(2, seen.size());
  }

  @Test
  void aRecordOfTheLargestSizeFitsOneChunk() {
    byte[] key = new byte[Limits.MAX_KEY_SIZE];
    byte[] value = new byte[Limits.MAX_VALUE_SIZE];
    value[value.length - 1] = 42;
    StreamHeader h = new StreamHeader("test", "1", Instant.EPOCH, true, List.of("default"));
    List<Entry> seen = new ArrayList<>();
    read(write(h, List.of(new Entry(0, key, value)), 1 << 20), seen);
    assertEquals(1, seen.size());
    assertEquals(42, seen.get(0).value()[Limits.MAX_VALUE_SIZE - 1]);
  }

  /** Each frame's [offset, total size], in order. */
  private static List<int[]> frames(byte[] bytes) {
    List<int[]> list = new ArrayList<>();
    int p = ExportFormat.PREAMBLE_SIZE;
    while (p < bytes.length) {
      int size = ExportFormat.FRAME_HEADER_SIZE + Le.getInt(bytes, p + 12);
      list.add(new int[] {p, size});
      p += size;
    }
    return list;
  }

  /** Recomputes the header CRC of the frame at {@code at}. */
  private static void reseal(byte[] bytes, int at) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, at, ExportFormat.FRAME_HEADER_CHECKED);
    Le.putInt(bytes, at + ExportFormat.FRAME_HEADER_CHECKED, (int) crc.getValue());
  }

  private static void assertPrefix(List<Entry> entries, List<Entry> seen, String what) {
    assertTrue(seen.size() <= entries.size(), what);
    for (int i = 0; i < seen.size(); i++) {
      assertTrue(
          entries.get(i).same(seen.get(i)), what + ": entry " + i + " is not what was written");
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
