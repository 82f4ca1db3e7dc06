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
 * <p>Not thread-safe: used by the thread holding the lead.
 */
final class WalFile {

  /** How often a write interrupted again and again is retried before the group fails. */
  private static final int WRITE_ATTEMPTS = 16;

  private final long number;
  private final Path path;
  private FileChannel channel;
  private volatile long position;
  private boolean interrupted;

  WalFile(long number, Path path, FileChannel channel, long position) {
    this.number = number;
    this.path = path;
    this.channel = channel;
    this.position = position;
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

  /**
   * Writes {@code buffer}'s remaining bytes at {@link #position()} and advances it.
   *
   * @return whether an interrupt of this thread was swallowed, to be given back by the caller
   * @throws StorageIOException if the write fails (the log's end is then unknown: the caller
   *     fail-stops)
   */
  boolean write(ByteBuffer buffer) {
    long at = position;
    int start = buffer.position();
    interrupted |= Thread.interrupted();
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
    position = at + buffer.position() - start;
    boolean swallowed = interrupted | Thread.interrupted();
    interrupted = false;
    return swallowed;
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
