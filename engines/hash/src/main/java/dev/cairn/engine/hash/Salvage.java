package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.RecordBuffers;
import dev.cairn.engine.toolkit.RecordFormat;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading a damaged data file for salvage (setting {@code recovery=salvage}, read-only): every
 * record that still verifies, and exactly which byte ranges could not be read (LevelDB's {@code
 * RepairDB}, SQLite's {@code .recover}).
 *
 * <p>Records are read in order from the file header on. At a record that fails (a bad checksum, an
 * impossible length, a payload that does not parse) the reader resynchronizes: it looks at every
 * later offset for the next whole record whose checksum holds, and the bytes between are reported
 * lost. A batch cut by such a gap is dropped whole, as recovery drops a torn batch, and reported
 * lost with the gap: batches stay all-or-nothing. A checksum is 32 bits, so a false match in
 * garbage is possible but rare; what it would yield still parses as an operation record, and is one
 * more record for the owner of the store to judge.
 *
 * <p>Not thread-safe; offline use only.
 */
final class Salvage {

  /** The window read at a time while resynchronizing and reading. */
  private static final int WINDOW = 1 << 20;

  /**
   * A range of a file that could not be read.
   *
   * @param file the file
   * @param from the first byte lost
   * @param to the byte after the last lost
   * @param reason why reading stopped at {@code from}
   */
  record Loss(Path file, long from, long to, String reason) {
    @Override
    public String toString() {
      return file + ": bytes " + from + " to " + to + " (" + (to - from) + ") lost: " + reason;
    }
  }

  /**
   * A record that verified.
   *
   * @param offset where it starts
   * @param size its framed size
   * @param record its contents
   */
  record Found(long offset, int size, DataRecord record) {}

  private final Path file;
  private final FileChannel channel;
  private final long size;
  private final List<Loss> losses = new ArrayList<>();

  private Salvage(Path file, FileChannel channel, long size) {
    this.file = file;
    this.channel = channel;
    this.size = size;
  }

  /**
   * Reads {@code file} for salvage: calls {@code sink} with each committed batch (or single record)
   * of records that verified, in file order.
   *
   * @return the ranges that could not be read
   */
  static List<Loss> read(Path file, java.util.function.Consumer<List<Found>> sink) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Salvage s = new Salvage(file, ch, ch.size());
      s.run(sink);
      return s.losses;
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot read for salvage", e);
    }
  }

  private void run(java.util.function.Consumer<List<Found>> sink) throws IOException {
    long at = RecordFormat.FILE_HEADER_SIZE;
    if (size < at) {
      if (size > 0) {
        losses.add(new Loss(file, 0, size, "the file header is cut short"));
      }
      return;
    }
    byte[] header = readBytes(0, RecordFormat.FILE_HEADER_SIZE);
    try {
      RecordBuffers.checkFileHeader(header, file.toString());
    } catch (CorruptionException e) {
      // The header only names the format; the records after it may still verify.
      losses.add(new Loss(file, 0, at, "damaged file header"));
    }
    List<Found> batch = new ArrayList<>();
    long batchStart = at;
    while (at < size) {
      Found f = recordAt(at);
      if (f == null) {
        long next = resync(at + 1);
        long from = batch.isEmpty() ? at : batchStart;
        losses.add(new Loss(file, from, next, describe(at)));
        batch.clear();
        at = next;
        continue;
      }
      if (batch.isEmpty()) {
        batchStart = at;
      }
      at += f.size();
      if (f.record() == null) {
        continue; // a merge output's list of replaced files: not an operation
      }
      batch.add(f);
      if (!DataRecord.continues(f.record().type())) {
        sink.accept(List.copyOf(batch));
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      losses.add(new Loss(file, batchStart, size, "the file ends inside a batch"));
    }
  }

  /** The record at {@code at} if it is whole, verifies and parses, else null. */
  private Found recordAt(long at) throws IOException {
    if (size - at < RecordFormat.RECORD_HEADER_SIZE) {
      return null;
    }
    ByteBuffer h =
        ByteBuffer.wrap(readBytes(at, RecordFormat.RECORD_HEADER_SIZE))
            .order(ByteOrder.LITTLE_ENDIAN);
    long payload = Integer.toUnsignedLong(h.getInt(4));
    int type = h.get(8) & 0xFF;
    if (type < DataRecord.PUT
        || type > DataRecord.MERGE_INFO
        || payload > size - at - RecordFormat.RECORD_HEADER_SIZE
        || payload > RecordFormat.MAX_PAYLOAD_SIZE) {
      return null;
    }
    int length = (int) (RecordFormat.RECORD_HEADER_SIZE + payload);
    byte[] bytes = readBytes(at, length);
    String where = file + " at offset " + at;
    try {
      RecordBuffers.Frame frame = RecordBuffers.check(bytes, 0, length, where);
      if (frame.type() == DataRecord.MERGE_INFO) {
        return at == RecordFormat.FILE_HEADER_SIZE ? new Found(at, length, null) : null;
      }
      DataRecord d =
          DataRecord.decode(
              frame.type(), bytes, frame.payloadOffset(), frame.payloadLength(), where);
      return new Found(at, length, d);
    } catch (CorruptionException e) {
      return null;
    }
  }

  /** The first offset from {@code from} where a whole, verifying record starts, or the end. */
  private long resync(long from) throws IOException {
    for (long at = from; at + RecordFormat.RECORD_HEADER_SIZE <= size; at++) {
      if (recordAt(at) != null) {
        return at;
      }
    }
    return size;
  }

  private String describe(long at) {
    return size - at < RecordFormat.RECORD_HEADER_SIZE
        ? "a record header cut short at offset " + at
        : "no valid record at offset " + at;
  }

  private final ByteBuffer window = ByteBuffer.allocate(WINDOW);
  private long windowStart = -1;

  /** {@code n} bytes at {@code at}, through a window so that a resync reads each byte once. */
  private byte[] readBytes(long at, int n) throws IOException {
    byte[] out = new byte[n];
    if (n > WINDOW) {
      ByteBuffer b = ByteBuffer.wrap(out);
      while (b.hasRemaining()) {
        if (channel.read(b, at + b.position()) < 0) {
          throw new IOException(file + ": the file shrank while being salvaged");
        }
      }
      return out;
    }
    if (windowStart < 0 || at < windowStart || at + n > windowStart + window.limit()) {
      window.clear();
      windowStart = at;
      while (window.hasRemaining() && windowStart + window.position() < size) {
        if (channel.read(window, windowStart + window.position()) < 0) {
          break;
        }
      }
      window.flip();
      if (window.limit() < n) {
        throw new IOException(file + ": the file shrank while being salvaged");
      }
    }
    window.get((int) (at - windowStart), out);
    return out;
  }
}
