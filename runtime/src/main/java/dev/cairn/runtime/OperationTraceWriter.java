package dev.cairn.runtime;

import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a sampled operation trace: what a store's callers asked of it, one fixed-size record per
 * sampled operation (kind, key length, value length, a salted fingerprint of the key, time since
 * the trace began), values only when asked for. For {@code cairn recommend}, which replays a trace
 * against every engine. Format: {@code docs/formats/operation-trace.md}; the file opens with
 *
 * <pre>
 * | magic "CAIRNTRC" (8B) | version (u16) | flags (u16) | sample rate (f64) | salt (i64) |
 * | started, epoch ms (i64) | durability (u8) | engine name length (u16) | engine name (UTF-8) |
 * </pre>
 *
 * and every record is
 *
 * <pre>
 * | kind (u8) | flags (u8) | key length (u32) | value length (i32) | key fingerprint (i64) |
 * | nanoseconds since start (i64) | value bytes (PUT, when values are recorded) |
 * </pre>
 *
 * <p>Design. Recording runs on the caller's thread, so it must cost little and never fail the
 * caller: a sampler picks operations (one atomic increment for those it skips), records are
 * appended to a 64 KiB buffer under a lock, and the buffer is written to the file when full. The
 * file is bounded ({@code maxBytes}): past it, recording stops and the records left out are
 * counted. A write that fails stops recording (logged once); the caller's operation is unaffected.
 * The trace is not synced: it is a measurement, and a crash that cuts it leaves whole records up to
 * the cut, which a reader accepts. Keys are fingerprinted with a random salt kept in the header, so
 * equal keys have equal fingerprints within one trace, and a fingerprint cannot be looked up in a
 * dictionary of likely keys made before the trace.
 *
 * <p>Thread-safe.
 */
final class OperationTraceWriter implements AutoCloseable {

  static final byte[] MAGIC = "CAIRNTRC".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;

  static final int FLAG_VALUES = 1;
  static final int FLAG_DURABLE = 2;
  static final int FLAG_ORDERED = 4;

  static final int GET = 1;
  static final int PUT = 2;
  static final int DELETE = 3;
  static final int SCAN = 4;
  static final int DELETE_RANGE = 5;

  static final int IN_BATCH = 1;
  static final int FOUND = 2;
  static final int REVERSE = 4;

  /** Bytes of a record before its value. */
  static final int RECORD_SIZE = 1 + 1 + 4 + 4 + 8 + 8;

  private static final System.Logger LOG = System.getLogger("dev.cairn.runtime.trace");

  private final Path file;
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private final boolean values;
  private final long threshold;
  private final long salt;
  private final long startNanos = System.nanoTime();
  private final long maxBytes;
  private final AtomicLong operations = new AtomicLong();
  private long written;
  private long recorded;
  private long omitted;
  private boolean stopped;

  private OperationTraceWriter(
      Path file, FileChannel channel, double rate, boolean values, long maxBytes, long salt) {
    this.file = file;
    this.channel = channel;
    this.values = values;
    this.threshold = rate >= 1 ? Long.MAX_VALUE : (long) (rate * 0x1p63);
    this.maxBytes = maxBytes;
    this.salt = salt;
  }

  /**
   * Creates (or replaces) the trace file and writes its header.
   *
   * @throws StorageIOException if the file cannot be written
   */
  static OperationTraceWriter open(
      Path file,
      double rate,
      boolean values,
      long maxBytes,
      String engine,
      Durability durability,
      boolean durable,
      boolean ordered) {
    long salt = new SecureRandom().nextLong();
    byte[] name = engine.getBytes(StandardCharsets.UTF_8);
    try {
      FileChannel ch =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE);
      OperationTraceWriter w = new OperationTraceWriter(file, ch, rate, values, maxBytes, salt);
      ByteBuffer h = ByteBuffer.allocate(8 + 2 + 2 + 8 + 8 + 8 + 1 + 2 + name.length);
      h.put(MAGIC).putShort((short) VERSION);
      h.putShort(
          (short)
              ((values ? FLAG_VALUES : 0)
                  | (durable ? FLAG_DURABLE : 0)
                  | (ordered ? FLAG_ORDERED : 0)));
      h.putDouble(rate).putLong(salt).putLong(System.currentTimeMillis());
      h.put((byte) (durability == Durability.SYNC ? 0 : 1));
      h.putShort((short) name.length).put(name).flip();
      while (h.hasRemaining()) {
        w.written += ch.write(h);
      }
      return w;
    } catch (IOException e) {
      throw new StorageIOException("cannot create the operation trace " + file + ": " + e, e);
    }
  }

  /** Whether to record the next operation: a seeded function of the operation's number. */
  boolean sample() {
    if (threshold == Long.MAX_VALUE) {
      return true;
    }
    long n = operations.incrementAndGet();
    long z = salt + n * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return ((z ^ (z >>> 31)) >>> 1) < threshold;
  }

  /** The key's fingerprint in this trace. */
  long fingerprint(byte[] key) {
    long h = salt ^ 0xcbf29ce484222325L;
    for (byte b : key) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= key.length;
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    return h ^ (h >>> 31);
  }

  /**
   * Appends one record; {@code value} is written only for a PUT when values are recorded. Never
   * throws for an I/O failure: recording stops instead.
   */
  void record(int kind, int flags, byte[] key, int valueLength, byte[] value, long startedNanos) {
    long fp = fingerprint(key);
    boolean withValue = values && kind == PUT && value != null;
    int size = RECORD_SIZE + (withValue ? value.length : 0);
    synchronized (this) {
      if (stopped) {
        omitted++;
        return;
      }
      if (written + buffer.position() + size > maxBytes) {
        omitted++;
        return;
      }
      if (buffer.remaining() < size && !drain()) {
        return;
      }
      if (buffer.remaining() < size) { // NB: a value larger than the buffer goes straight out
        ByteBuffer big = ByteBuffer.allocate(size);
        put(big, kind, flags, key.length, valueLength, fp, startedNanos);
        big.put(value).flip();
        writeOut(big);
        recorded++;
        return;
      }
      put(buffer, kind, flags, key.length, valueLength, fp, startedNanos);
      if (withValue) {
        buffer.put(value);
      }
      recorded++;
    }
  }

  private void put(
      ByteBuffer b, int kind, int flags, int keyLength, int valueLength, long fp, long at) {
    b.put((byte) kind).put((byte) flags).putInt(keyLength).putInt(valueLength).putLong(fp);
    b.putLong(Math.max(0, at - startNanos));
  }

  private boolean drain() {
    buffer.flip();
    boolean ok = writeOut(buffer);
    buffer.clear();
    return ok;
  }

  private boolean writeOut(ByteBuffer b) {
    try {
      while (b.hasRemaining()) {
        written += channel.write(b);
      }
      return true;
    } catch (IOException | RuntimeException e) {
      stopped = true;
      LOG.log(
          System.Logger.Level.WARNING,
          "cannot write the operation trace " + file + "; recording stopped",
          e);
      return false;
    }
  }

  /** Records written so far, and those left out past the size bound or after a failure. */
  synchronized long[] counts() {
    return new long[] {recorded, omitted};
  }

  /** Writes what is buffered and closes the file. */
  @Override
  public synchronized void close() {
    if (!stopped && buffer.position() > 0) {
      drain();
    }
    stopped = true;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot close the operation trace " + file, e);
    }
    if (omitted > 0) {
      LOG.log(
          System.Logger.Level.INFO,
          "operation trace " + file + ": " + recorded + " records, " + omitted + " left out");
    }
  }

  static void checkRate(double rate) {
    if (!(rate > 0 && rate <= 1)) {
      throw new InvalidArgumentException("trace sample rate must be in (0, 1], got " + rate);
    }
  }
}
