package dev.cairn.engine.lsm;

import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The write-ahead log the leading writer appends to: its number, a channel of the writer's own, and
 * where the next byte goes. Made by the {@link WalSyncer}, which keeps a channel of its own on the
 * same file to force it.
 *
 * <p><b>Interrupts</b> (decision 0012). Writes run on callers' threads. An interrupt closes the
 * channel a thread writes through; the writer clears the interrupt first, and if one arrives during
 * the write anyway, reopens the channel and writes the same bytes at the same offset again (a
 * positional write of the same bytes is idempotent), then gives the interrupt back. No caller's
 * thread forces the file.
 *
 * <p><b>Preallocation.</b> The file is kept zero-filled ahead of its end, a chunk at a time ({@link
 * #write}): a force of a write that grew the file must also make its new size durable (on ext4, a
 * journal commit per force), while a force of bytes written over zeros the file already held writes
 * only the data. The zeros never read as a record ({@link WalFormat}); the {@link WalSyncer} cuts
 * them off before the log stops being the newest (a roll, a clean close), so that only the newest
 * log ever ends in zeros.
 *
 * <p>Not thread-safe: used by the thread holding the lead.
 */
final class WalFile {

  /** How often a write interrupted again and again is retried before the group fails. */
  private static final int WRITE_ATTEMPTS = 16;

  /** The most zeros written ahead of the log's end at a time. */
  static final int MAX_PREALLOCATION = 1 << 20;

  /** Zeros to write from; read-only, shared. */
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(MAX_PREALLOCATION);

  /**
   * How many zeros a log of a store with memtables of {@code memtableSize} bytes keeps ahead of its
   * end: a quarter of a memtable, between 4 KiB and {@link #MAX_PREALLOCATION}.
   */
  static int preallocation(long memtableSize) {
    return (int) Math.clamp(memtableSize / 4, 4096L, MAX_PREALLOCATION);
  }

  private final long number;
  private final Path path;
  private FileChannel channel;
  private volatile long position;

  /** Where the zeros written ahead of {@link #position} end: the file's size. */
  private volatile long reserved;

  private final int preallocation;
  private boolean interrupted;

  /**
   * @param position where the next byte goes, the file's size
   * @param preallocation how many zeros to write ahead of the end at a time, 0 for none
   */
  WalFile(long number, Path path, FileChannel channel, long position, int preallocation) {
    if (preallocation < 0 || preallocation > MAX_PREALLOCATION) {
      throw new IllegalArgumentException("preallocation " + preallocation);
    }
    this.number = number;
    this.path = path;
    this.channel = channel;
    this.position = position;
    this.reserved = position;
    this.preallocation = preallocation;
  }

  long number() {
    return number;
  }

  Path path() {
    return path;
  }

  /** Where the next byte goes: every byte before it has been written (not necessarily forced). */
  long position() {
    return position;
  }

  /** Where the file's zeros end: its size, at least {@link #position()}. */
  long reserved() {
    return reserved;
  }

  /**
   * Writes {@code buffer}'s remaining bytes at {@link #position()} and advances it; first, if they
   * would reach past the zeros written ahead, writes another chunk of zeros.
   *
   * @return whether an interrupt of this thread was swallowed, to be given back by the caller
   * @throws StorageIOException if the write fails (the log's end is then unknown: the caller
   *     fail-stops)
   */
  boolean write(ByteBuffer buffer) {
    long at = position;
    int start = buffer.position();
    interrupted |= Thread.interrupted();
    long end = at + buffer.remaining();
    if (preallocation > 0 && end > reserved) {
      // NB: zeros only where no record was written, and none where this write's data goes: from
      // its end (never below position; the data fills what lies between the old zeros and it).
      long to = end + preallocation;
      for (long z = end; z < to; ) {
        ByteBuffer zeros = ZEROS.duplicate().limit((int) Math.min(to - z, MAX_PREALLOCATION));
        writeFully(zeros, z);
        z += zeros.limit();
      }
      reserved = to;
    }
    writeFully(buffer, at);
    position = at + buffer.position() - start;
    boolean swallowed = interrupted | Thread.interrupted();
    interrupted = false;
    return swallowed;
  }

  /** Writes {@code buffer}'s remaining bytes at {@code at}, again if an interrupt cut it short. */
  private void writeFully(ByteBuffer buffer, long at) {
    int start = buffer.position();
    for (int attempt = 1; ; attempt++) {
      try {
        while (buffer.hasRemaining()) {
          int from = buffer.position();
          channel.write(buffer, at + from - start);
          if (buffer.position() == from) {
            throw new IOException("the write made no progress");
          }
        }
        break;
      } catch (ClosedByInterruptException e) {
        interrupted |= Thread.interrupted();
        if (attempt >= WRITE_ATTEMPTS) {
          throw new StorageIOException(
              path + ": append at offset " + at + " interrupted again and again", e);
        }
        buffer.position(start);
        channel = reopen();
      } catch (IOException e) {
        throw new StorageIOException(path + ": append at offset " + at + " failed", e);
      }
    }
  }

  private FileChannel reopen() {
    try {
      return FileChannel.open(path, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot reopen the log for writing", e);
    }
  }

  void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Everything written was forced or is refused by fail-stop; nothing is lost here.
    }
  }
}
