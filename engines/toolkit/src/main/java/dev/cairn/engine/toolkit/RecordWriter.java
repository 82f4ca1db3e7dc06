package dev.cairn.engine.toolkit;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

/**
 * Appends checksummed records to a record log ({@link RecordFormat}, {@code
 * docs/formats/toolkit-record.md}).
 *
 * <p>An append returns once the operating system has the bytes (there is no buffering in user
 * space), which is {@link dev.cairn.spi.Durability#BUFFERED}; {@link #sync()} makes everything
 * appended so far durable.
 *
 * <p><b>Fail-stop.</b> After a write or sync fails, the end of the file is unknown and the
 * operating system may have dropped dirty pages, so the writer refuses every later append and sync
 * with {@link EngineFailedException}; recovery decides what survived on the next open.
 *
 * <p><b>Interrupts.</b> {@link FileChannel} closes itself when a thread blocked in it is
 * interrupted; engines should append from threads they own, not from their callers'.
 *
 * <p>Thread-safe: appends are serialized. <b>Must be closed</b>.
 */
public final class RecordWriter implements AutoCloseable {

  private final Path file;
  private final FileChannel channel;
  private long size;
  private boolean failed;
  private boolean closed;

  private RecordWriter(Path file, FileChannel channel, long size) {
    this.file = file;
    this.channel = channel;
    this.size = size;
  }

  /**
   * Creates a new, empty log: writes and syncs its file header, and syncs its directory so the file
   * itself survives a crash.
   *
   * @throws InvalidArgumentException if {@code file} is null
   * @throws StorageIOException if the file exists or the file system fails
   */
  public static RecordWriter create(Path file) {
    if (file == null) {
      throw new InvalidArgumentException("log file is null");
    }
    FileChannel channel = open(file, "create", StandardOpenOption.CREATE_NEW);
    RecordWriter writer = new RecordWriter(file, channel, 0);
    try {
      writer.writeHeader();
      SyncedFiles.syncDirectory(SyncedFiles.parentOf(file));
    } catch (RuntimeException e) {
      writer.close();
      throw e;
    }
    return writer;
  }

  /**
   * Opens an existing log to append after its last valid record, cutting off whatever follows (a
   * torn tail). {@code validEnd} is what a {@link RecordReader} reported; below {@link
   * RecordFormat#FILE_HEADER_SIZE} the log is rewritten as empty.
   *
   * @throws InvalidArgumentException if an argument is null, {@code validEnd} is negative or beyond
   *     the end of the file
   * @throws StorageIOException if the file is missing or the file system fails
   */
  public static RecordWriter openForAppend(Path file, long validEnd) {
    if (file == null) {
      throw new InvalidArgumentException("log file is null");
    }
    FileChannel channel = open(file, "open for append");
    RecordWriter writer = null;
    try {
      long length = channel.size();
      if (validEnd < 0 || validEnd > length) {
        throw new InvalidArgumentException(
            file + ": valid end " + validEnd + " is outside the file of " + length + " bytes");
      }
      if (validEnd < RecordFormat.FILE_HEADER_SIZE) {
        channel.truncate(0);
        writer = new RecordWriter(file, channel, 0);
        writer.writeHeader();
      } else {
        if (length > validEnd) {
          channel.truncate(validEnd);
          channel.force(true);
        }
        writer = new RecordWriter(file, channel, validEnd);
      }
      return writer;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StorageIOException(file + ": cannot cut the log to " + validEnd + " bytes", e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /** The log's file. */
  public Path file() {
    return file;
  }

  /** The offset at which the next record will start: the length of the valid log. */
  public synchronized long size() {
    return size;
  }

  /** {@link #append(int, byte[], int, int)} of the whole array. */
  public long append(int type, byte[] payload) {
    if (payload == null) {
      throw new InvalidArgumentException("record payload is null");
    }
    return append(type, payload, 0, payload.length);
  }

  /**
   * Appends one record.
   *
   * @return the offset at which the record starts, for {@link RecordReader#readAt}
   * @throws InvalidArgumentException if the type is outside [{@link RecordFormat#MIN_TYPE}, {@link
   *     RecordFormat#MAX_TYPE}], the payload is null, its slice is out of bounds, or it is larger
   *     than {@link RecordFormat#MAX_PAYLOAD_SIZE}
   * @throws StorageIOException if the write fails (the writer then fail-stops)
   * @throws EngineFailedException if an earlier write or sync failed
   * @throws ClosedHandleException if the writer is closed
   */
  public synchronized long append(int type, byte[] payload, int offset, int length) {
    if (type < RecordFormat.MIN_TYPE || type > RecordFormat.MAX_TYPE) {
      throw new InvalidArgumentException(
          "record type " + type + " is outside [1, " + RecordFormat.MAX_TYPE + "]");
    }
    if (payload == null || offset < 0 || length < 0 || length > payload.length - offset) {
      throw new InvalidArgumentException(
          "record payload slice [" + offset + ", +" + length + ") is out of bounds");
    }
    if (length > RecordFormat.MAX_PAYLOAD_SIZE) {
      throw new InvalidArgumentException(
          "record payload of "
              + length
              + " bytes exceeds the limit of "
              + RecordFormat.MAX_PAYLOAD_SIZE);
    }
    checkUsable();
    long start = size;
    writeFully(RecordFormat.encode(type, payload, offset, length), start, "append a record");
    size = start + RecordFormat.RECORD_HEADER_SIZE + length;
    return start;
  }

  /**
   * Makes every record appended so far durable (fdatasync, which POSIX defines to include the file
   * size a later read needs).
   *
   * @throws EngineFailedException if the sync fails (the writer then fail-stops), or an earlier
   *     write or sync failed
   * @throws ClosedHandleException if the writer is closed
   */
  public synchronized void sync() {
    checkUsable();
    try {
      channel.force(false);
    } catch (IOException e) {
      failed = true;
      throw new EngineFailedException(file + ": fsync of the log failed; the log is stopped", e);
    }
  }

  /** Closes the file without syncing. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closeQuietly(channel);
    }
  }

  private void writeHeader() {
    writeFully(RecordFormat.fileHeader(), 0, "write the log header");
    size = RecordFormat.FILE_HEADER_SIZE;
    try {
      channel.force(true);
    } catch (IOException e) {
      failed = true;
      throw new StorageIOException(file + ": cannot sync the new log header", e);
    }
  }

  private void checkUsable() {
    if (closed) {
      throw new ClosedHandleException(file + ": log writer is closed");
    }
    if (failed) {
      throw new EngineFailedException(file + ": an earlier write or sync failed; reopen the log");
    }
  }

  private void writeFully(ByteBuffer bytes, long position, String operation) {
    try {
      long at = position;
      while (bytes.hasRemaining()) {
        at += channel.write(bytes, at);
      }
    } catch (IOException e) {
      failed = true;
      throw new StorageIOException(file + ": cannot " + operation + " at offset " + position, e);
    }
  }

  private static FileChannel open(Path file, String operation, StandardOpenOption... extra) {
    Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.WRITE, extra);
    options.add(StandardOpenOption.READ);
    try {
      return FileChannel.open(file, options);
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot " + operation + " the log", e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing was written that a close could lose: appends went to the OS already.
    }
  }
}
