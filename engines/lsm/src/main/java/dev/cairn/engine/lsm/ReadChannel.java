package dev.cairn.engine.lsm;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only channel on an immutable file, for positional reads from any thread.
 *
 * <p><b>Reads on callers' threads.</b> Gets and cursors read tables from the caller's thread, which
 * saves a hand-off per read. An interrupt of a reader closes the channel ({@link
 * ClosedByInterruptException}); since nothing is ever written through it, nothing is lost: the
 * reader clears its interrupt, reopens the channel, retries, and gives the interrupt back. Readers
 * whose read that close cut short ({@link AsynchronousCloseException}) reopen and retry the same
 * way. Once {@link #close()} is called for good, reads fail with {@link ClosedHandleException}.
 *
 * <p>Thread-safe.
 */
final class ReadChannel {

  private static final int REOPEN_ATTEMPTS = 8;

  private final Path path;
  private final Object reopenLock = new Object();
  private volatile FileChannel channel;
  private volatile boolean closed;

  /**
   * Opens {@code path} for reading.
   *
   * @throws StorageIOException if it cannot be opened
   */
  ReadChannel(Path path) {
    this.path = path;
    this.channel = open();
  }

  Path path() {
    return path;
  }

  /**
   * The file's size.
   *
   * @throws StorageIOException if it cannot be read
   */
  long size() {
    try {
      return channel.size();
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot read the file's size", e);
    }
  }

  /**
   * Reads {@code length} bytes at {@code offset} into a new array.
   *
   * @throws CorruptionException if the file ends first
   * @throws StorageIOException if the read fails
   * @throws ClosedHandleException if the channel was closed for good
   */
  byte[] read(long offset, int length) {
    byte[] target = new byte[length];
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
                  path + ": the file ends inside " + length + " bytes at offset " + offset);
            }
          }
          return target;
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

  private void reopen(FileChannel broken, int attempt, IOException cause) {
    if (closed) {
      throw new ClosedHandleException(path + ": the file was closed");
    }
    if (attempt >= REOPEN_ATTEMPTS) {
      throw new StorageIOException(path + ": reads were interrupted again and again", cause);
    }
    synchronized (reopenLock) {
      if (channel == broken && !closed) {
        channel = open();
      }
    }
  }

  private FileChannel open() {
    try {
      return FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot open the file for reading", e);
    }
  }

  /** Closes the channel for good. Idempotent. */
  void close() {
    synchronized (reopenLock) {
      closed = true;
      try {
        channel.close();
      } catch (IOException e) {
        // Read only: nothing is lost.
      }
    }
  }
}
