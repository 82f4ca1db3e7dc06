package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.Faults;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.engine.toolkit.RecordBuffers;
import dev.cairn.spi.Durability;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads of data files: mapped chunks of the active file, sealed mappings, positional reads. */
class DataFileTest {

  /** 4 KiB chunks, so that a few hundred records cross many chunk boundaries. */
  private static final int SMALL_CHUNK_BITS = 12;

  @TempDir Path dir;

  private static long seed() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("DataFileTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    return seed;
  }

  /** A record as appended: where, how long, and what it holds. */
  private record Appended(long offset, int size, long seq, byte[] key, byte[] value) {}

  /** Appends records to a data file as the writer does: write, then publish the size. */
  private static final class Appender implements AutoCloseable {
    final FileChannel channel;
    long position;

    Appender(Path path) throws IOException {
      channel =
          FileChannel.open(
              path,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              StandardOpenOption.READ);
      position = channel.write(RecordBuffers.fileHeader(), 0);
    }

    Appended append(DataFile f, long seq, byte[] key, byte[] value) throws IOException {
      int size = DataRecord.frameSize(key, value);
      ByteBuffer buf = ByteBuffer.allocate(size);
      DataRecord.encode(buf, DataRecord.PUT, seq, key, value);
      buf.flip();
      long at = position;
      while (buf.hasRemaining()) {
        position += channel.write(buf, position);
      }
      if (f != null) {
        f.setSize(position);
      }
      return new Appended(at, size, seq, key, value);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private static Appended randomRecord(
      Appender a, DataFile f, SplittableRandom r, long seq, int maxValue) throws IOException {
    byte[] value = new byte[r.nextInt(maxValue)];
    r.nextBytes(value);
    return a.append(f, seq, b("key-" + seq), value);
  }

  private static void assertReads(DataFile f, Appended a) {
    DataFile.RecordBytes rec = f.readRecord(a.offset(), a.size());
    DataRecord d =
        DataRecord.decode(
            rec.type(), rec.bytes(), rec.payloadOffset(), rec.payloadLength(), f.pathName());
    assertEquals(a.seq(), d.seq(), "seq at " + a.offset());
    assertArrayEquals(a.key(), d.key(), "key at " + a.offset());
    assertArrayEquals(a.value(), d.value(), "value at " + a.offset());
    Entry e = new Entry(a.seq(), f.id(), a.offset(), a.size(), false);
    assertArrayEquals(a.value(), IndexState.valueIfKey(f, e, a.key()));
    assertNull(IndexState.valueIfKey(f, e, b("another key")));
  }

  @Test
  void theActiveFileIsReadThroughChunksAcrossTheirBoundariesWhileItIsWritten() throws Exception {
    SplittableRandom r = new SplittableRandom(seed());
    Path path = dir.resolve(DataFile.name(1));
    List<Appended> written = new ArrayList<>();
    try (Appender a = new Appender(path)) {
      DataFile f = new DataFile(1, path, false, a.position, x -> {}, SMALL_CHUNK_BITS);
      try {
        for (long seq = 1; seq <= 1500; seq++) {
          // NB: now and then a record larger than a chunk, which only a positional read serves.
          int maxValue = r.nextInt(50) == 0 ? 9000 : 400;
          Appended rec = randomRecord(a, f, r, seq, maxValue);
          written.add(rec);
          assertReads(f, rec); // just written
          assertReads(f, written.get(r.nextInt(written.size())));
          long[] mapped = f.mappedChunks();
          assertTrue(mapped[1] <= f.size(), "a chunk mapped past the written size " + f.size());
        }
        long[] mapped = f.mappedChunks();
        long fullChunks = f.size() / f.chunkSize();
        assertTrue(mapped[0] > fullChunks / 2, mapped[0] + " of " + fullChunks + " chunks mapped");
        int crossing = 0;
        for (Appended rec : written) {
          assertReads(f, rec);
          if (rec.offset() / f.chunkSize() != (rec.offset() + rec.size() - 1) / f.chunkSize()) {
            crossing++;
          }
        }
        assertTrue(crossing > 10, "only " + crossing + " records cross a chunk boundary");

        f.seal();
        for (Appended rec : written) {
          assertReads(f, rec);
        }
      } finally {
        f.release();
      }
      assertFalse(f.acquire());
      assertEquals(0, f.mappedChunks()[0], "chunks unmapped with the last reference");
    }
  }

  @Test
  void readersOfAFileBeingRetiredSeeWholeRecordsOrLetGo() throws Exception {
    SplittableRandom r = new SplittableRandom(seed());
    Path path = dir.resolve(DataFile.name(1));
    List<Appended> written = new ArrayList<>();
    AtomicInteger lastReleases = new AtomicInteger();
    try (Appender a = new Appender(path)) {
      DataFile f =
          new DataFile(1, path, false, a.position, x -> lastReleases.incrementAndGet(), 12);
      for (long seq = 1; seq <= 400; seq++) {
        written.add(randomRecord(a, f, r, seq, 300));
      }
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicLong reads = new AtomicLong();
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        long readerSeed = r.nextLong();
        readers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      SplittableRandom rr = new SplittableRandom(readerSeed);
                      try {
                        while (f.acquire()) {
                          try {
                            assertReads(f, written.get(rr.nextInt(written.size())));
                            reads.incrementAndGet();
                          } finally {
                            f.release();
                          }
                        }
                      } catch (Throwable e) {
                        failure.set(e);
                      }
                    }));
      }
      while (reads.get() < 2000 && failure.get() == null) {
        Thread.onSpinWait();
      }
      f.retire();
      for (Thread t : readers) {
        t.join();
      }
      if (failure.get() != null) {
        throw new AssertionError("a reader failed", failure.get());
      }
      assertEquals(1, lastReleases.get());
      assertFalse(f.acquire());
      assertEquals(0, f.mappedChunks()[0]);
    }
  }

  @Test
  void readsWithoutAReferenceSeeWholeRecordsOrLearnTheFileIsGone() throws Exception {
    SplittableRandom r = new SplittableRandom(seed());
    Path path = dir.resolve(DataFile.name(1));
    List<Appended> written = new ArrayList<>();
    try (Appender a = new Appender(path)) {
      DataFile f = new DataFile(1, path, false, a.position, x -> {}, SMALL_CHUNK_BITS);
      for (long seq = 1; seq <= 400; seq++) {
        written.add(randomRecord(a, f, r, seq, 300));
      }
      if (r.nextBoolean()) {
        f.seal(); // the whole-file mapping rather than chunks
      }
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicLong mappedReads = new AtomicLong();
      AtomicLong goneReads = new AtomicLong();
      AtomicInteger stop = new AtomicInteger();
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        long readerSeed = r.nextLong();
        readers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      SplittableRandom rr = new SplittableRandom(readerSeed);
                      try {
                        while (stop.get() == 0) {
                          Appended rec = written.get(rr.nextInt(written.size()));
                          DataFile.RecordBytes got;
                          try {
                            got = f.readMappedRecord(rec.offset(), rec.size());
                          } catch (IllegalStateException gone) {
                            goneReads.incrementAndGet();
                            continue;
                          }
                          if (got != null) {
                            DataRecord d =
                                DataRecord.decode(
                                    got.type(),
                                    got.bytes(),
                                    got.payloadOffset(),
                                    got.payloadLength(),
                                    f.pathName());
                            assertArrayEquals(rec.value(), d.value());
                            mappedReads.incrementAndGet();
                          }
                        }
                      } catch (Throwable e) {
                        failure.set(e);
                      }
                    }));
      }
      while (mappedReads.get() < 2000 && failure.get() == null) {
        Thread.onSpinWait();
      }
      f.retire(); // the last reference: unmaps while the readers read
      long after = mappedReads.get();
      Thread.sleep(20);
      stop.set(1);
      for (Thread t : readers) {
        t.join();
      }
      if (failure.get() != null) {
        throw new AssertionError("a reader failed", failure.get());
      }
      assertTrue(mappedReads.get() - after <= 3, "reads from a mapping after it was closed");
      assertEquals(0, f.mappedChunks()[0]);
      assertNull(f.readMappedRecord(written.get(0).offset(), written.get(0).size()));
    }
  }

  @Test
  void aFileSystemThatCannotMapIsReadPositionally() throws Exception {
    SplittableRandom r = new SplittableRandom(seed());
    try (FaultyFileSystem fs = FaultyFileSystem.create(dir)) {
      fs.faults().failAlways(Faults.Op.MAP, p -> true); // a file system that cannot map
      Path path = fs.root().resolve(DataFile.name(1));
      List<Appended> written = new ArrayList<>();
      try (Appender a = new Appender(path)) {
        DataFile f = new DataFile(1, path, false, a.position, x -> {}, SMALL_CHUNK_BITS);
        try {
          for (long seq = 1; seq <= 300; seq++) {
            written.add(randomRecord(a, f, r, seq, 400));
            assertReads(f, written.get(r.nextInt(written.size())));
          }
          assertEquals(0, f.mappedChunks()[0]);
          f.seal();
          f.prefault();
          for (Appended rec : written) {
            assertReads(f, rec);
          }
          assertTrue(f.mapRefused(), "the statistics' files.unmappable counts this file");
          assertFalse(f.isMapped());
        } finally {
          f.release();
        }
      }
    }
  }

  @Test
  void aStoreReadsItsActiveFileWhileWritingAndAfterRolling() {
    SplittableRandom r = new SplittableRandom(seed());
    int keys = 2500;
    byte[][] values = new byte[keys][];
    // 4 KiB values: about 10 MiB, over two chunks of the active file and into a second file.
    try (HashEngine e = open(dir, Map.of("file.size", "8m"))) {
      for (int i = 0; i < keys; i++) {
        values[i] = new byte[4096 + r.nextInt(64)];
        r.nextBytes(values[i]);
        e.put(b("k" + i), values[i], Durability.BUFFERED);
        int j = r.nextInt(i + 1);
        assertArrayEquals(values[j], e.get(b("k" + j)), "k" + j + " after " + i + " puts");
      }
      assertTrue(TestStores.files(dir, ".data").size() >= 2, "the store rolled");
      for (int i = 0; i < keys; i++) {
        assertArrayEquals(values[i], e.get(b("k" + i)), "k" + i);
      }
      assertNull(e.get(b("missing")));
    }
  }
}
