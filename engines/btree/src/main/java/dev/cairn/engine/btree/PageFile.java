package dev.cairn.engine.btree;

import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The data file: positional reads from any thread, writes and forces from the writer's thread.
 *
 * <p><b>Reads on callers' threads.</b> Gets and cursors read pages from the caller's thread. An
 * interrupt of a reader closes the read channel ({@link ClosedByInterruptException}); nothing is
 * ever written through it, so nothing is lost: the reader clears its interrupt, reopens the
 * channel, retries, and gives the interrupt back (as the LSM engine's tables do).
 *
 * <p><b>Writes on one engine thread.</b> Pages and metas are written, and the file forced, only
 * through the write channel and only from engine-owned threads (the committer, an open): no
 * caller's interrupt can close it or hide an fsync's outcome (decision 0012). {@code force} covers
 * the writes made through the channel that is forced, which is this one.
 *
 * <p>Thread-safe for reads; writes come from one thread at a time.
 */
final class PageFile {

  /** The data file's name in the store's directory. */
  static final String NAME = "btree.db";

  private static final int REOPEN_ATTEMPTS = 8;

  private final Path path;
  private final Object reopenLock = new Object();
  private final FileChannel writer; // null when read-only
  private volatile FileChannel reader;
  private volatile boolean closed;
  private final java.util.concurrent.atomic.LongAdder bytesRead =
      new java.util.concurrent.atomic.LongAdder();

  private PageFile(Path path, FileChannel writer) {
    this.path = path;
    this.writer = writer;
    this.reader = openReader();
  }

  /**
   * Opens {@code path} for reads, and for writes unless {@code readOnly}.
   *
   * @throws StorageIOException if it cannot be opened
   */
  static PageFile open(Path path, boolean readOnly) {
    FileChannel w = null;
    if (!readOnly) {
      try {
        w = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new StorageIOException(path + ": cannot open the data file for writing", e);
      }
    }
    try {
      return new PageFile(path, w);
    } catch (RuntimeException e) {
      closeQuietly(w);
      throw e;
    }
  }

  Path path() {
    return path;
  }

  /**
   * The file's size in bytes.
   *
   * @throws StorageIOException if it cannot be read
   */
  long size() {
    try {
      return reader.size();
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot read the file's size", e);
    }
  }

  /**
   * Reads {@code length} bytes at {@code offset}.
   *
   * @throws CorruptionException if the file ends first (a page the store references is missing)
   * @throws StorageIOException if the read fails
   * @throws ClosedHandleException if the file was closed
   */
  byte[] read(long offset, int length) {
    byte[] target = new byte[length];
    read(offset, ByteBuffer.wrap(target));
    return target;
  }

  /**
   * Fills {@code target} (from its position to its limit) with the bytes at {@code offset}: into
   * engine-owned memory when it is a buffer of a memory segment, with no copy in between.
   *
   * @throws CorruptionException if the file ends first (a page the store references is missing)
   * @throws StorageIOException if the read fails
   * @throws ClosedHandleException if the file was closed
   */
  void read(long offset, ByteBuffer target) {
    int start = target.position();
    int length = target.remaining();
    boolean interrupted = false;
    try {
      for (int attempt = 0; ; attempt++) {
        FileChannel ch = reader;
        ByteBuffer b = target.duplicate();
        try {
          while (b.hasRemaining()) {
            int n = ch.read(b, offset + b.position() - start);
            if (n < 0) {
              throw new CorruptionException(
                  path
                      + ": the file ends inside the "
                      + length
                      + " bytes at offset "
                      + offset
                      + " (a page the store references is missing)");
            }
          }
          bytesRead.add(length);
          return;
        } catch (ClosedByInterruptException e) {
          interrupted |= Thread.interrupted();
          reopen(ch, attempt, e);
        } catch (ClosedChannelException e) {
          reopen(ch, attempt, e);
        } catch (IOException e) {
          throw new StorageIOException(
              path + ": read of " + length + " bytes at offset " + offset + " failed", e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The bytes read from the file so far (what an open's recovery read, when asked after it). */
  long bytesRead() {
    return bytesRead.sum();
  }

  /**
   * Writes {@code bytes} at {@code offset}, from the writer's thread.
   *
   * @throws StorageIOException if the write fails
   */
  void write(long offset, byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      while (b.hasRemaining()) {
        writer.write(b, offset + b.position());
      }
    } catch (IOException e) {
      throw new StorageIOException(
          path + ": write of " + bytes.length + " bytes at offset " + offset + " failed", e);
    }
  }

  /**
   * Forces every write made so far to the disk, with the file's size, from the writer's thread. An
   * {@code fdatasync}: the file's timestamps are not worth a journal commit per force.
   *
   * @throws StorageIOException if the fsync fails (the caller fail-stops the store)
   */
  void force() {
    SyncedFiles.syncData(writer, path);
  }

  /**
   * Cuts the file to {@code size} bytes, from the writer's thread; the caller forces it.
   *
   * @throws StorageIOException if it fails (the caller fail-stops the store)
   */
  void truncate(long size) {
    try {
      writer.truncate(size);
    } catch (IOException e) {
      throw new StorageIOException(path + ": truncating the file to " + size + " bytes failed", e);
    }
  }

  private void reopen(FileChannel broken, int attempt, IOException cause) {
    if (closed) {
      throw new ClosedHandleException(path + ": the store was closed");
    }
    if (attempt >= REOPEN_ATTEMPTS) {
      throw new StorageIOException(path + ": reads were interrupted again and again", cause);
    }
    synchronized (reopenLock) {
      if (reader == broken && !closed) {
        reader = openReader();
      }
    }
  }

  private FileChannel openReader() {
    try {
      return FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot open the data file for reading", e);
    }
  }

  /** Closes both channels. Idempotent. */
  void close() {
    synchronized (reopenLock) {
      closed = true;
      closeQuietly(reader);
    }
    closeQuietly(writer);
  }

  private static void closeQuietly(FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // Everything that mattered was forced before, or reported by the force that failed.
      }
    }
  }
}
