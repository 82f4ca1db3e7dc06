package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.RecordFormat;
import dev.cairn.engine.toolkit.RecordReader;
import dev.cairn.engine.toolkit.RecordWriter;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A hint file: the index entries of one sealed data file, so that opening a store reads hints
 * instead of data (Bitcask). Spec: {@code docs/formats/hash-hint-file.md}.
 *
 * <pre>
 * a toolkit record log; records:
 *   entries (type 1): | count (varint) | entry ... |
 *     entry:          | seq (8B LE) | offset (varint) | size (varint) | flags (1B, bit 0 tombstone) |
 *                     | key length (varint) | key |
 *   trailer (type 2): | data file size (8B LE) | entries (8B LE) | min seq (8B LE) | max seq (8B LE) |
 * </pre>
 *
 * <p>A hint is an optimization and never the only copy of anything: it is trusted only when it
 * reads cleanly to a trailer that names the data file's exact size; otherwise recovery scans the
 * data file. It is written to {@code <name>.tmp}, synced, and renamed into place, so a crash leaves
 * either no hint or a whole one.
 */
final class HintFile {

  static final int ENTRIES = 1;
  static final int TRAILER = 2;
  private static final int CHUNK = 64 * 1024;
  private static final int TRAILER_SIZE = 32;

  /**
   * One entry.
   *
   * @param seq the record's sequence number
   * @param offset where the record starts in the data file
   * @param size the record's framed size
   * @param tombstone whether it is a delete
   * @param key the key
   */
  record Hint(long seq, long offset, int size, boolean tombstone, byte[] key) {}

  /**
   * What a hint's trailer says about its data file.
   *
   * @param dataSize the data file's size
   * @param entries how many entries the hint holds
   * @param minSeq the smallest sequence number among them (Long.MAX_VALUE if none)
   * @param maxSeq the largest (0 if none)
   */
  record Trailer(long dataSize, long entries, long minSeq, long maxSeq) {}

  private HintFile() {}

  /**
   * Writes the hint of one data file, entry by entry. Not thread-safe; must be finished or aborted.
   */
  static final class Writer {
    private final Path target;
    private final Path temp;
    private final RecordWriter log;
    private ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    private int inChunk;
    private long entries;
    private long minSeq = Long.MAX_VALUE;
    private long maxSeq;

    /** Starts the hint {@code target}; run it, and {@link #finish}, under the store's guard. */
    Writer(Path target) {
      this.target = target;
      this.temp = target.resolveSibling(target.getFileName() + ".tmp");
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        throw new StorageIOException(temp + ": cannot remove a stale temporary hint", e);
      }
      this.log = RecordWriter.create(temp);
    }

    void add(Hint h) {
      int need = 8 + 5 + 5 + 1 + 5 + h.key().length;
      if (chunk.position() + need > chunk.capacity() - 5 && inChunk > 0) {
        flushChunk();
      }
      if (chunk.remaining() < need + 5) {
        chunk = ByteBuffer.allocate(need + 16).order(ByteOrder.LITTLE_ENDIAN);
      }
      chunk.putLong(h.seq());
      Varints.putUnsignedLong(chunk, h.offset());
      Varints.putUnsignedInt(chunk, h.size());
      chunk.put((byte) (h.tombstone() ? 1 : 0));
      Varints.putUnsignedInt(chunk, h.key().length);
      chunk.put(h.key());
      inChunk++;
      entries++;
      minSeq = Math.min(minSeq, h.seq());
      maxSeq = Math.max(maxSeq, h.seq());
    }

    private void flushChunk() {
      ByteBuffer payload = ByteBuffer.allocate(Varints.MAX_INT_BYTES + chunk.position());
      Varints.putUnsignedInt(payload, inChunk);
      payload.put(chunk.array(), 0, chunk.position());
      log.append(ENTRIES, payload.array(), 0, payload.position());
      chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
      inChunk = 0;
    }

    /** Writes the trailer, syncs, and renames the hint into place (then syncs the directory). */
    void finish(long dataSize) {
      try {
        if (inChunk > 0) {
          flushChunk();
        }
        ByteBuffer t = ByteBuffer.allocate(TRAILER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        t.putLong(dataSize).putLong(entries).putLong(minSeq).putLong(maxSeq);
        log.append(TRAILER, t.array());
        log.sync();
      } finally {
        log.close();
      }
      SyncedFiles.publish(temp, target);
    }

    /** Gives up: closes and removes the temporary file. Never throws. */
    void abort() {
      log.close();
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // Recovery removes temporary files it finds.
      }
    }
  }

  /**
   * Writes the hint of the sealed file {@code f} from its records; its fsyncs go through {@code
   * guard}, so that a failed one stops the store before anything else is acknowledged.
   *
   * @return null when written, else why not: {@code f} does not read cleanly to its size (it is
   *     damaged; recovery will scan it and report the damage)
   * @throws EngineFailedException if an fsync or other I/O failed (the store is stopped)
   */
  static String write(DataFile f, FsyncGuard guard) {
    String what = f.hintPath() + ": writing the hint";
    Writer w = guard.sync(what, () -> new Writer(f.hintPath()));
    boolean done = false;
    try (RecordReader r = RecordReader.open(f.path())) {
      for (RecordReader.Record rec = r.next(); rec != null; rec = r.next()) {
        if (rec.offset() >= f.size()) {
          break;
        }
        if (DataRecord.isOperation(rec.type())) {
          DataRecord d =
              DataRecord.decode(
                  rec.type(), rec.payload(), 0, rec.payload().length, f.where(rec.offset()));
          int size = rec.payload().length + RecordFormat.RECORD_HEADER_SIZE;
          w.add(new Hint(d.seq(), rec.offset(), size, d.isDelete(), d.key()));
        }
      }
      if (r.validEnd() != f.size()) {
        return f.where(r.validEnd()) + ": " + r.stopDetail();
      }
      guard.sync(what, () -> w.finish(f.size()));
      done = true;
      return null;
    } catch (CorruptionException e) {
      return e.getMessage();
    } finally {
      if (!done) {
        w.abort();
      }
    }
  }

  /** What reading a hint found; see {@link #read}. */
  enum Verdict {
    /** There is no hint file. */
    MISSING,
    /** The hint exists but does not read cleanly to one trailer matching its entries. */
    DAMAGED,
    /**
     * The hint is whole, but records another size for its data file than the file has: the data
     * file was cut or extended after it was sealed, which no crash does.
     */
    OTHER_SIZE,
    /** The hint is whole and names the data file's exact size: its entries are the file's. */
    TRUSTED
  }

  /**
   * The outcome of {@link #read}.
   *
   * @param verdict what was found
   * @param trailer the trailer, when the hint is whole ({@code OTHER_SIZE} or {@code TRUSTED})
   * @param detail what was wrong, for messages
   */
  record Reading(Verdict verdict, Trailer trailer, String detail) {}

  /**
   * Reads a hint and feeds its entries to {@code sink}, for a data file of {@code dataSize} bytes.
   * Entries fed before damage is found are valid all the same (each record is checksummed): the
   * caller scans the data file unless the verdict is {@code TRUSTED}.
   */
  static Reading read(Path hint, long dataSize, Consumer<Hint> sink) {
    if (!Files.exists(hint)) {
      return new Reading(Verdict.MISSING, null, hint + ": no hint");
    }
    try (RecordReader r = RecordReader.open(hint)) {
      long count = 0;
      for (RecordReader.Record rec = r.next(); rec != null; rec = r.next()) {
        String where = hint + " at offset " + rec.offset();
        if (rec.type() == ENTRIES) {
          count += readEntries(rec.payload(), where, sink);
        } else if (rec.type() == TRAILER && rec.payload().length == TRAILER_SIZE) {
          ByteBuffer t = ByteBuffer.wrap(rec.payload()).order(ByteOrder.LITTLE_ENDIAN);
          Trailer trailer = new Trailer(t.getLong(), t.getLong(), t.getLong(), t.getLong());
          if (r.next() != null || r.stop() != RecordReader.Stop.END_OF_FILE) {
            return damaged(where + ": the trailer is not the hint's last record");
          }
          if (trailer.entries() != count) {
            return damaged(
                where + ": the trailer counts " + trailer.entries() + " entries, not " + count);
          }
          return trailer.dataSize() == dataSize
              ? new Reading(Verdict.TRUSTED, trailer, "")
              : new Reading(
                  Verdict.OTHER_SIZE,
                  trailer,
                  hint + " records a data file of " + trailer.dataSize() + " bytes");
        } else {
          return damaged(where + ": record of type " + rec.type() + " has no place in a hint");
        }
      }
      return damaged(
          hint + ": no trailer" + (r.stopDetail().isEmpty() ? "" : " (" + r.stopDetail() + ")"));
    } catch (StorageException e) {
      return damaged(e.getMessage());
    }
  }

  private static Reading damaged(String detail) {
    return new Reading(Verdict.DAMAGED, null, detail);
  }

  private static long readEntries(byte[] payload, String where, Consumer<Hint> sink) {
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    int n = Varints.getUnsignedInt(b);
    for (int i = 0; i < n; i++) {
      if (b.remaining() < 8) {
        throw new CorruptionException(where + ": hint entry " + i + " is cut short");
      }
      long seq = b.getLong();
      long offset = Varints.getUnsignedLong(b);
      int size = Varints.getUnsignedInt(b);
      if (!b.hasRemaining()) {
        throw new CorruptionException(where + ": hint entry " + i + " is cut short");
      }
      boolean tombstone = (b.get() & 1) != 0;
      int keyLength = Varints.getUnsignedInt(b);
      if (keyLength < 0
          || keyLength > b.remaining()
          || size <= 0
          || offset < RecordFormat.FILE_HEADER_SIZE) {
        throw new CorruptionException(where + ": hint entry " + i + " is impossible");
      }
      byte[] key = new byte[keyLength];
      b.get(key);
      sink.accept(new Hint(seq, offset, size, tombstone, key));
    }
    return n;
  }
}
