package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.RecordBuffers;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A data file as readers see it: its id, a read-only channel, how much of it is written, and how
 * much of that is stale. Files are named {@code <id, 10 digits>.data}.
 *
 * <p><b>Reads on callers' threads.</b> Gets read with positional reads on a read-only channel from
 * the caller's thread, which saves a hand-off per read. An interrupt of a reader closes that
 * channel ({@link ClosedByInterruptException}); since nothing is ever written through it, nothing
 * is lost: the reader clears its interrupt, reopens the channel, retries, and restores the
 * interrupt. Readers whose read the closing cut short reopen and retry the same way. Writes never
 * happen on a caller's thread.
 *
 * <p><b>Lifetime.</b> Reference-counted: the store holds one reference while the file is live; a
 * reader, snapshot or history entry that reads it holds another ({@link #acquire()}). When merge
 * retires the file and the last reference goes, the file is handed to {@code onLastRelease} for
 * deletion on the engine's own thread.
 *
 * <p>Thread-safe.
 */
final class DataFile {

  private static final int REOPEN_ATTEMPTS = 8;

  private final int id;
  private final Path path;
  private final boolean mergeOutput;
  private final Consumer<DataFile> onLastRelease;
  private final AtomicInteger refs = new AtomicInteger(1);
  private final AtomicLong staleBytes = new AtomicLong();
  private final Object reopenLock = new Object();
  private volatile FileChannel channel;
  private volatile long size;
  private volatile long minSeq = Long.MAX_VALUE;
  private volatile long maxSeq;
  private volatile boolean retired;
  private volatile boolean sealed;

  DataFile(int id, Path path, boolean mergeOutput, long size, Consumer<DataFile> onLastRelease) {
    this.id = id;
    this.path = path;
    this.mergeOutput = mergeOutput;
    this.size = size;
    this.onLastRelease = onLastRelease;
    this.channel = open();
  }

  static String name(int id) {
    return String.format("%010d.data", id);
  }

  static String hintName(int id) {
    return String.format("%010d.hint", id);
  }

  /** The id in a data or hint file name, or -1 when {@code name} is not one. */
  static int idOf(String name, String suffix) {
    if (name.length() != 10 + suffix.length() || !name.endsWith(suffix)) {
      return -1;
    }
    for (int i = 0; i < 10; i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return -1;
      }
    }
    long id = Long.parseLong(name.substring(0, 10));
    return id < 1 || id > Integer.MAX_VALUE ? -1 : (int) id;
  }

  int id() {
    return id;
  }

  Path path() {
    return path;
  }

  Path hintPath() {
    return path.resolveSibling(hintName(id));
  }

  boolean isMergeOutput() {
    return mergeOutput;
  }

  /** Bytes written and readable, header included. */
  long size() {
    return size;
  }

  void setSize(long size) {
    this.size = size;
  }

  long staleBytes() {
    return staleBytes.get();
  }

  void addStale(long bytes) {
    staleBytes.addAndGet(bytes);
  }

  /** The fraction of the file's records that no key needs any more. */
  double staleFraction() {
    long body = size - 16;
    return body <= 0 ? 0 : (double) staleBytes.get() / body;
  }

  long minSeq() {
    return minSeq;
  }

  long maxSeq() {
    return maxSeq;
  }

  /** Widens the file's sequence range to cover {@code seq}. Called by one thread at a time. */
  void noteSeq(long seq) {
    if (seq < minSeq) {
      minSeq = seq;
    }
    if (seq > maxSeq) {
      maxSeq = seq;
    }
  }

  boolean isSealed() {
    return sealed;
  }

  void seal() {
    sealed = true;
  }

  boolean isRetired() {
    return retired;
  }

  /** Takes a reference so the file stays readable; false when it is already gone. */
  boolean acquire() {
    for (; ; ) {
      int n = refs.get();
      if (n <= 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives back a reference; the last one closes the file (and hands a retired one on). */
  void release() {
    if (refs.decrementAndGet() == 0) {
      closeChannel();
      onLastRelease.accept(this);
    }
  }

  /** Marks the file retired by merge and gives up the store's reference. */
  void retire() {
    retired = true;
    release();
  }

  /**
   * Reads the record of {@code recordSize} bytes at {@code offset} and checks its frame and
   * checksum. The caller holds a reference.
   *
   * @throws CorruptionException if the bytes are not one valid record
   * @throws StorageIOException if the file system fails
   */
  RecordBytes readRecord(long offset, int recordSize) {
    byte[] bytes = new byte[recordSize];
    read(offset, bytes);
    RecordBuffers.Frame f = RecordBuffers.check(bytes, 0, recordSize, where(offset));
    return new RecordBytes(bytes, f.type(), f.payloadOffset(), f.payloadLength());
  }

  /**
   * A checked record as read.
   *
   * @param bytes the whole record
   * @param type its type
   * @param payloadOffset where its payload starts in {@code bytes}
   * @param payloadLength the payload's length
   */
  record RecordBytes(byte[] bytes, int type, int payloadOffset, int payloadLength) {}

  String where(long offset) {
    return path + " at offset " + offset;
  }

  private void read(long offset, byte[] target) {
    boolean interrupted = false;
    try {
      for (int attempt = 0; ; attempt++) {
        FileChannel ch = channel;
        ByteBuffer b = ByteBuffer.wrap(target);
        try {
          while (b.hasRemaining()) {
            int n = ch.read(b, offset + b.position());
            if (n < 0) {
              throw new CorruptionException(
                  where(offset) + ": the file ends inside a record of " + target.length + " bytes");
            }
          }
          return;
        } catch (ClosedByInterruptException e) {
          interrupted |= Thread.interrupted();
          reopen(ch, attempt, e);
        } catch (AsynchronousCloseException e) {
          reopen(ch, attempt, e);
        } catch (ClosedChannelException e) {
          reopen(ch, attempt, e);
        } catch (IOException e) {
          throw new StorageIOException(where(offset) + ": read failed", e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void reopen(FileChannel closed, int attempt, IOException cause) {
    // NB: a thread that is interrupted again between reopen and read would close the channel
    // again; the attempts bound that, and the interrupt flag was cleared above for this thread.
    if (attempt >= REOPEN_ATTEMPTS || refs.get() <= 0) {
      throw new ClosedHandleException(path + ": the file was closed while being read", cause);
    }
    synchronized (reopenLock) {
      if (channel == closed && refs.get() > 0) {
        channel = open();
      }
    }
  }

  private FileChannel open() {
    try {
      return FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ClosedHandleException(path + ": the file is gone", e);
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot open for reading", e);
    }
  }

  private void closeChannel() {
    synchronized (reopenLock) {
      try {
        channel.close();
      } catch (IOException e) {
        // Read-only: closing loses nothing.
      }
    }
  }

  @Override
  public String toString() {
    return path.getFileName().toString();
  }
}
