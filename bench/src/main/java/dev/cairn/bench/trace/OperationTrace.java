package dev.cairn.bench.trace;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An operation trace read from a file: what a store's callers asked of it, sampled, as the runtime
 * records it ({@code StoreBuilder.operationTrace}; format {@code docs/formats/operation-trace.md},
 * version 1). The operations are kept in parallel arrays, about 30 bytes each.
 *
 * <p>The reader checks the magic, the version and every record (a known kind, key and value lengths
 * within the SPI's limits, a value present when the header says values are recorded), and refuses a
 * file that breaks one with an {@link IOException} naming the record and its byte offset; a file
 * cut in the middle of its last record (the writer does not sync) is read up to the cut, which
 * {@link #truncated()} tells. At most {@code maxOperations} are read: the rest are counted in
 * {@link #leftOut()}, so memory stays bounded whatever the file's size.
 *
 * <p>Immutable once read; thread-safe.
 */
public final class OperationTrace {

  static final byte[] MAGIC = "CAIRNTRC".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;

  /** The operation kinds, as the format numbers them. */
  public static final byte GET = 1;

  public static final byte PUT = 2;
  public static final byte DELETE = 3;
  public static final byte SCAN = 4;
  public static final byte DELETE_RANGE = 5;

  static final int FLAG_VALUES = 1;
  static final int FLAG_DURABLE = 2;
  static final int FLAG_ORDERED = 4;
  static final int FOUND = 2;
  static final int REVERSE = 4;

  private static final int RECORD_SIZE = 26;
  private static final int MAX_KEY = 65_535;
  private static final int MAX_VALUE = 16 * 1024 * 1024;

  private final String engine;
  private final boolean durable;
  private final boolean ordered;
  private final boolean sync;
  private final double sampleRate;
  private final long startedMillis;
  private final int size;
  private final byte[] kinds;
  private final byte[] flags;
  private final int[] keyLengths;
  private final int[] valueLengths;
  private final long[] fingerprints;
  private final long[] nanos;
  private final byte[][] values;
  private final boolean truncated;
  private final long leftOut;

  private OperationTrace(Builder b) {
    this.engine = b.engine;
    this.durable = b.durable;
    this.ordered = b.ordered;
    this.sync = b.sync;
    this.sampleRate = b.sampleRate;
    this.startedMillis = b.startedMillis;
    this.size = b.size;
    this.kinds = Arrays.copyOf(b.kinds, b.size);
    this.flags = Arrays.copyOf(b.flags, b.size);
    this.keyLengths = Arrays.copyOf(b.keyLengths, b.size);
    this.valueLengths = Arrays.copyOf(b.valueLengths, b.size);
    this.fingerprints = Arrays.copyOf(b.fingerprints, b.size);
    this.nanos = Arrays.copyOf(b.nanos, b.size);
    this.values = b.values == null ? null : Arrays.copyOf(b.values, b.size);
    this.truncated = b.truncated;
    this.leftOut = b.leftOut;
  }

  /**
   * Reads a trace file.
   *
   * @param maxOperations the most operations kept (at least 1)
   * @throws IOException if the file cannot be read, is not a trace, is of another version, or holds
   *     a record that breaks the format (the message names it)
   */
  public static OperationTrace read(Path file, int maxOperations) throws IOException {
    if (maxOperations < 1) {
      throw new IllegalArgumentException("maxOperations must be at least 1, got " + maxOperations);
    }
    try (InputStream in = Files.newInputStream(file)) {
      Builder b = new Builder();
      long offset = header(in, b, file);
      byte[] rec = new byte[RECORD_SIZE];
      for (long n = 0; ; n++) {
        int got = in.readNBytes(rec, 0, RECORD_SIZE);
        if (got == 0) {
          break;
        }
        if (got < RECORD_SIZE) {
          b.truncated = true;
          break;
        }
        ByteBuffer r = ByteBuffer.wrap(rec);
        byte kind = r.get();
        byte flag = r.get();
        int keyLength = r.getInt();
        int valueLength = r.getInt();
        long fp = r.getLong();
        long at = r.getLong();
        String where = "record " + n + " at byte " + offset + " of " + file;
        if (kind < GET || kind > DELETE_RANGE) {
          throw new IOException(where + ": unknown operation kind " + kind);
        }
        if (keyLength < 0 || keyLength > MAX_KEY) {
          throw new IOException(
              where + ": key length " + keyLength + " out of [0, " + MAX_KEY + "]");
        }
        if (valueLength < -1 || (kind == PUT && valueLength < 0) || valueLength > MAX_VALUE) {
          throw new IOException(where + ": value length " + valueLength + " for " + name(kind));
        }
        if (at < 0) {
          throw new IOException(where + ": negative time " + at);
        }
        offset += RECORD_SIZE;
        byte[] value = null;
        if (b.valuesRecorded && kind == PUT) {
          value = in.readNBytes(valueLength);
          if (value.length < valueLength) {
            b.truncated = true;
            break;
          }
          offset += valueLength;
        }
        if (b.size == maxOperations) {
          b.leftOut++;
          continue;
        }
        b.add(kind, flag, keyLength, valueLength, fp, at, value);
      }
      return new OperationTrace(b);
    }
  }

  private static long header(InputStream in, Builder b, Path file) throws IOException {
    byte[] fixed = new byte[8 + 2 + 2 + 8 + 8 + 8 + 1 + 2];
    if (in.readNBytes(fixed, 0, fixed.length) < fixed.length) {
      throw new EOFException(file + " is not an operation trace: shorter than its header");
    }
    ByteBuffer h = ByteBuffer.wrap(fixed);
    byte[] magic = new byte[8];
    h.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException(
          file + " is not an operation trace (no CAIRNTRC magic; docs/formats/operation-trace.md)");
    }
    int version = h.getShort() & 0xffff;
    if (version != VERSION) {
      throw new IOException(
          file
              + " is an operation trace of version "
              + version
              + "; this reads version "
              + VERSION);
    }
    int flags = h.getShort() & 0xffff;
    b.valuesRecorded = (flags & FLAG_VALUES) != 0;
    b.durable = (flags & FLAG_DURABLE) != 0;
    b.ordered = (flags & FLAG_ORDERED) != 0;
    b.sampleRate = h.getDouble();
    if (!(b.sampleRate > 0 && b.sampleRate <= 1)) {
      throw new IOException(file + ": sample rate " + b.sampleRate + " out of (0, 1]");
    }
    h.getLong(); // the salt: fingerprints are compared, never recomputed
    b.startedMillis = h.getLong();
    int durability = h.get();
    if (durability != 0 && durability != 1) {
      throw new IOException(file + ": unknown durability " + durability);
    }
    b.sync = durability == 0;
    int nameLength = h.getShort() & 0xffff;
    byte[] name = in.readNBytes(nameLength);
    if (name.length < nameLength) {
      throw new EOFException(file + " is cut inside its header");
    }
    b.engine = new String(name, StandardCharsets.UTF_8);
    if (b.valuesRecorded) {
      b.values = new byte[16][];
    }
    return fixed.length + nameLength;
  }

  /** The name of kind {@code k} as the docs write it. */
  public static String name(byte k) {
    return switch (k) {
      case GET -> "get";
      case PUT -> "put";
      case DELETE -> "delete";
      case SCAN -> "scan";
      case DELETE_RANGE -> "delete-range";
      default -> "kind " + k;
    };
  }

  /** The engine the traced store ran on. */
  public String engine() {
    return engine;
  }

  /** Whether the traced store was durable: a recommendation keeps to durable engines. */
  public boolean durable() {
    return durable;
  }

  /** Whether the traced engine kept keys in order. */
  public boolean ordered() {
    return ordered;
  }

  /** Whether the traced store's writes were SYNC by default (else BUFFERED). */
  public boolean sync() {
    return sync;
  }

  /** The fraction of operations the trace recorded. */
  public double sampleRate() {
    return sampleRate;
  }

  /** When the trace began, in milliseconds since the epoch. */
  public long startedMillis() {
    return startedMillis;
  }

  /** Operations read. */
  public int size() {
    return size;
  }

  /** True when the file ended inside a record (read up to it). */
  public boolean truncated() {
    return truncated;
  }

  /** Operations past {@code maxOperations}, not kept. */
  public long leftOut() {
    return leftOut;
  }

  public byte kind(int i) {
    return kinds[i];
  }

  public boolean found(int i) {
    return (flags[i] & FOUND) != 0;
  }

  public boolean reverse(int i) {
    return (flags[i] & REVERSE) != 0;
  }

  public int keyLength(int i) {
    return keyLengths[i];
  }

  /** A put's value length; a scan's entries; a found get's value length; else -1. */
  public int valueLength(int i) {
    return valueLengths[i];
  }

  public long fingerprint(int i) {
    return fingerprints[i];
  }

  /** Nanoseconds from the trace's start to the operation's. */
  public long nanos(int i) {
    return nanos[i];
  }

  /** The value a put wrote, when the trace recorded values; else null. */
  public byte[] value(int i) {
    return values == null ? null : values[i];
  }

  /** Operations of each kind, by name, in kind order. */
  public Map<String, Long> mix() {
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    for (byte k = GET; k <= DELETE_RANGE; k++) {
      long n = 0;
      for (int i = 0; i < size; i++) {
        if (kinds[i] == k) {
          n++;
        }
      }
      if (n > 0) {
        m.put(name(k), n);
      }
    }
    return m;
  }

  /** Whether the trace reads ranges in key order or deletes ranges: it needs an ordered engine. */
  public boolean needsOrder() {
    for (int i = 0; i < size; i++) {
      if (kinds[i] == SCAN || kinds[i] == DELETE_RANGE) {
        return true;
      }
    }
    return false;
  }

  /** Distinct keys (fingerprints) the trace touches. */
  public int distinctKeys() {
    return keyIndex().size();
  }

  /** Each distinct fingerprint's key length, first seen. */
  public Map<Long, Integer> keyIndex() {
    Map<Long, Integer> keys = new HashMap<>();
    for (int i = 0; i < size; i++) {
      if (kinds[i] != DELETE_RANGE && !(kinds[i] == SCAN && keyLengths[i] == 0)) {
        keys.putIfAbsent(fingerprints[i], keyLengths[i]);
      }
    }
    return keys;
  }

  /** The median of {@code kind}'s value lengths (-1 ones left out), or {@code otherwise}. */
  public int medianValueLength(byte kind, int otherwise) {
    int[] v = new int[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (kinds[i] == kind && valueLengths[i] >= 0) {
        v[n++] = valueLengths[i];
      }
    }
    if (n == 0) {
      return otherwise;
    }
    Arrays.sort(v, 0, n);
    return v[n / 2];
  }

  /** One line: operations, mix, keys. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%,d operations (", size));
    String sep = "";
    for (Map.Entry<String, Long> e : mix().entrySet()) {
      b.append(sep)
          .append(
              String.format(
                  Locale.ROOT, "%s %.1f%%", e.getKey(), 100.0 * e.getValue() / Math.max(1, size)));
      sep = ", ";
    }
    b.append(
        String.format(Locale.ROOT, ") over %,d keys, sampled at %s", distinctKeys(), sampleRate));
    b.append(", recorded on ").append(engine).append(durable ? " (durable" : " (in memory");
    b.append(sync ? ", SYNC)" : ", BUFFERED)");
    return b.toString();
  }

  private static final class Builder {
    String engine = "";
    boolean durable;
    boolean ordered;
    boolean sync;
    boolean valuesRecorded;
    double sampleRate;
    long startedMillis;
    int size;
    byte[] kinds = new byte[16];
    byte[] flags = new byte[16];
    int[] keyLengths = new int[16];
    int[] valueLengths = new int[16];
    long[] fingerprints = new long[16];
    long[] nanos = new long[16];
    byte[][] values;
    boolean truncated;
    long leftOut;

    void add(byte kind, byte flag, int keyLength, int valueLength, long fp, long at, byte[] v) {
      if (size == kinds.length) {
        int n = size * 2;
        kinds = Arrays.copyOf(kinds, n);
        flags = Arrays.copyOf(flags, n);
        keyLengths = Arrays.copyOf(keyLengths, n);
        valueLengths = Arrays.copyOf(valueLengths, n);
        fingerprints = Arrays.copyOf(fingerprints, n);
        nanos = Arrays.copyOf(nanos, n);
        if (values != null) {
          values = Arrays.copyOf(values, n);
        }
      }
      kinds[size] = kind;
      flags[size] = flag;
      keyLengths[size] = keyLength;
      valueLengths[size] = valueLength;
      fingerprints[size] = fp;
      nanos[size] = at;
      if (values != null) {
        values[size] = v;
      }
      size++;
    }
  }
}
