package dev.cairn.engine.toolkit;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a record log ({@link RecordFormat}, {@code docs/formats/toolkit-record.md}) from the start,
 * record by record, and stops at the first record that is incomplete or damaged.
 *
 * <p>The reader never throws for what follows the last valid record: it stops and reports why
 * ({@link #stop()}) and where the valid log ends ({@link #validEnd()}), so that the engine can
 * apply its own recovery policy (for a write-ahead log: a {@link Stop#TRUNCATED} tail is a torn
 * write to cut off with {@link RecordWriter#openForAppend}; {@link Stop#CORRUPT} may be too, or may
 * be damage to report). A length field is trusted only after it is checked against {@link
 * RecordFormat#MAX_PAYLOAD_SIZE} and against what is left of the file, so a hostile length never
 * makes the reader allocate more than the file holds.
 *
 * <p>Not thread-safe: one thread reads. <b>Must be closed</b>. The file's length is taken when the
 * reader opens; records appended later are not seen.
 */
public final class RecordReader implements AutoCloseable {

  /** Why a reader stopped. */
  public enum Stop {
    /** The last record ends exactly at the end of the file. */
    END_OF_FILE,
    /**
     * The file ends inside the file header or a record (header or payload): the signature of a torn
     * write at the tail.
     */
    TRUNCATED,
    /** A complete record fails its checksum, or has type 0 or an impossible length. */
    CORRUPT
  }

  /**
   * One record.
   *
   * @param offset where the record starts in the file
   * @param type its type, 1 to 255
   * @param payload its payload, owned by the caller
   */
  public record Record(long offset, int type, byte[] payload) {}

  private static final int WINDOW = 64 * 1024;

  private final Path file;
  private final FileChannel channel;
  private final long fileSize;
  private final ByteBuffer window = ByteBuffer.allocate(WINDOW);
  private long windowStart;
  private long validEnd;
  private long lastRecordOffset = -1;
  private Stop stop;
  private String stopDetail = "";
  private boolean closed;

  private RecordReader(Path file, FileChannel channel, long fileSize) {
    this.file = file;
    this.channel = channel;
    this.fileSize = fileSize;
    window.limit(0);
  }

  /**
   * Opens a log and checks its file header. A file shorter than the header reads as {@link
   * Stop#TRUNCATED} at offset 0 (its creation was torn).
   *
   * @throws InvalidArgumentException if {@code file} is null
   * @throws CorruptionException if the header is complete but is not a record log header
   * @throws IncompatibleVersionException if the log's format version is one this code does not read
   * @throws StorageIOException if the file is missing or the file system fails
   */
  public static RecordReader open(Path file) {
    if (file == null) {
      throw new InvalidArgumentException("log file is null");
    }
    FileChannel channel;
    long size;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot open the log to read", e);
    }
    RecordReader reader = null;
    try {
      size = channel.size();
      reader = new RecordReader(file, channel, size);
      if (size < RecordFormat.FILE_HEADER_SIZE) {
        reader.stop(
            Stop.TRUNCATED, "the file header is cut short: the file has only " + size + " bytes");
      } else {
        byte[] header = new byte[RecordFormat.FILE_HEADER_SIZE];
        reader.readFully(0, header);
        RecordFormat.checkFileHeader(header, file.toString());
        reader.validEnd = RecordFormat.FILE_HEADER_SIZE;
      }
      return reader;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StorageIOException(file + ": cannot read the log's size", e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /**
   * The next record, or null once the reader has {@linkplain #stop() stopped}.
   *
   * @throws ClosedHandleException if the reader is closed
   * @throws StorageIOException if the file system fails, or the file shrinks while being read
   */
  public Record next() {
    if (closed) {
      throw new ClosedHandleException(file + ": log reader is closed");
    }
    if (stop != null) {
      return null;
    }
    long at = validEnd;
    long left = fileSize - at;
    if (left == 0) {
      stop(Stop.END_OF_FILE, "");
      return null;
    }
    if (left < RecordFormat.RECORD_HEADER_SIZE) {
      stop(Stop.TRUNCATED, "record header at offset " + at + " is cut short at " + left + " bytes");
      return null;
    }
    byte[] header = new byte[RecordFormat.RECORD_HEADER_SIZE];
    readFully(at, header);
    ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    int storedCrc = h.getInt(0);
    long length = Integer.toUnsignedLong(h.getInt(4));
    int type = header[8] & 0xFF;
    if (length > RecordFormat.MAX_PAYLOAD_SIZE) {
      stop(Stop.CORRUPT, "record at offset " + at + " claims an impossible length " + length);
      return null;
    }
    if (length > left - RecordFormat.RECORD_HEADER_SIZE) {
      stop(
          Stop.TRUNCATED,
          "record at offset "
              + at
              + " claims "
              + length
              + " payload bytes, the file holds "
              + (left - RecordFormat.RECORD_HEADER_SIZE));
      return null;
    }
    if (type == 0) {
      stop(Stop.CORRUPT, "record at offset " + at + " has the reserved type 0");
      return null;
    }
    byte[] payload = new byte[(int) length];
    readFully(at + RecordFormat.RECORD_HEADER_SIZE, payload);
    if (RecordFormat.checksum(header, payload) != storedCrc) {
      stop(Stop.CORRUPT, "record at offset " + at + " fails its checksum");
      return null;
    }
    lastRecordOffset = at;
    validEnd = at + RecordFormat.RECORD_HEADER_SIZE + length;
    return new Record(at, type, payload);
  }

  /** Why the reader stopped, or null while it has not. */
  public Stop stop() {
    return stop;
  }

  /** What the reader found where it stopped, naming the offset; empty at a clean end. */
  public String stopDetail() {
    return stopDetail;
  }

  /**
   * The offset just past the last valid record read so far (the file header's end before the first
   * record; 0 if the header itself is cut short). Once stopped, the length of the valid log.
   */
  public long validEnd() {
    return validEnd;
  }

  /** Where the last valid record read so far starts, or -1 if none was read. */
  public long lastRecordOffset() {
    return lastRecordOffset;
  }

  /** The length of the file when the reader opened. */
  public long fileSize() {
    return fileSize;
  }

  /** Closes the file. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      closeQuietly(channel);
    }
  }

  /**
   * Reads the record at {@code offset} of an open log, as an index (a hash engine's key directory)
   * points to it, and verifies it.
   *
   * @param channel an open channel on the log, positioned anywhere (positional reads are used)
   * @param file names the log in messages
   * @param offset where the record starts, as {@link RecordWriter#append} returned it
   * @throws InvalidArgumentException if an argument is null or the offset is before the first
   *     record
   * @throws CorruptionException if there is no complete valid record at {@code offset}
   * @throws StorageIOException if the file system fails
   */
  public static Record readAt(FileChannel channel, Path file, long offset) {
    if (channel == null || file == null) {
      throw new InvalidArgumentException("channel and file are required");
    }
    if (offset < RecordFormat.FILE_HEADER_SIZE) {
      throw new InvalidArgumentException(
          file + ": offset " + offset + " is inside the file header");
    }
    try {
      long left = channel.size() - offset;
      if (left < RecordFormat.RECORD_HEADER_SIZE) {
        throw new CorruptionException(file + ": no record header at offset " + offset);
      }
      byte[] header = new byte[RecordFormat.RECORD_HEADER_SIZE];
      readFully(channel, file, offset, header);
      ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
      long length = Integer.toUnsignedLong(h.getInt(4));
      int type = header[8] & 0xFF;
      if (length > RecordFormat.MAX_PAYLOAD_SIZE
          || length > left - RecordFormat.RECORD_HEADER_SIZE
          || type == 0) {
        throw new CorruptionException(
            file + ": record at offset " + offset + " has an impossible length or type");
      }
      byte[] payload = new byte[(int) length];
      readFully(channel, file, offset + RecordFormat.RECORD_HEADER_SIZE, payload);
      if (RecordFormat.checksum(header, payload) != h.getInt(0)) {
        throw new CorruptionException(
            file + ": record at offset " + offset + " fails its checksum");
      }
      return new Record(offset, type, payload);
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot read the record at offset " + offset, e);
    }
  }

  private void stop(Stop why, String detail) {
    stop = why;
    stopDetail = detail;
  }

  /** Reads {@code target.length} bytes at {@code position}, which the caller knows are there. */
  private void readFully(long position, byte[] target) {
    if (target.length > WINDOW) {
      try {
        readFully(channel, file, position, target);
      } catch (IOException e) {
        throw new StorageIOException(file + ": cannot read at offset " + position, e);
      }
      return;
    }
    long windowEnd = windowStart + window.limit();
    if (position < windowStart || position + target.length > windowEnd) {
      fill(position);
    }
    window.get((int) (position - windowStart), target);
  }

  private void fill(long position) {
    window.clear();
    window.limit((int) Math.min(WINDOW, fileSize - position));
    windowStart = position;
    try {
      while (window.hasRemaining()) {
        int n = channel.read(window, position + window.position());
        if (n < 0) {
          throw new StorageIOException(
              file + ": the log shrank below " + fileSize + " bytes while being read");
        }
      }
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot read at offset " + position, e);
    }
    window.flip();
  }

  private static void readFully(FileChannel channel, Path file, long position, byte[] target)
      throws IOException {
    ByteBuffer b = ByteBuffer.wrap(target);
    while (b.hasRemaining()) {
      int n = channel.read(b, position + b.position());
      if (n < 0) {
        throw new CorruptionException(
            file + ": the file ends before " + target.length + " bytes at offset " + position);
      }
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // A reader wrote nothing; a failed close loses nothing.
    }
  }
}
