package dev.cairn.runtime.transfer;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Reads and verifies an export stream ({@code docs/formats/export-stream.md}), handing each record
 * to a {@link Visitor} once the chunk that holds it has passed its checksums. Not thread-safe.
 *
 * <p>Design. Nothing read is trusted before a checksum covers it: a frame's header is checked by
 * its own CRC32C before its length is believed, and a chunk's records are parsed only after its
 * payload's CRC32C matched, so damage is reported at the frame where it is, by sequence number and
 * byte offset. Every length is bounded before anything is allocated for it: a payload by {@link
 * ExportFormat#MAX_PAYLOAD} (the SPI's largest key and value, one record), and the buffer grows
 * only as bytes actually arrive, so a truncated stream whose damaged-but-checksummed length claims
 * 16 MiB allocates no more than it held. A missing frame is a sequence gap; a cut stream ends
 * before its trailer; bytes after the trailer are refused; counts and digests of every keyspace and
 * of the whole stream are recomputed from the records and compared with what the stream says.
 *
 * <p>Memory: one payload buffer (at most {@link ExportFormat#MAX_PAYLOAD} bytes) and the record
 * being handed over; nothing grows with the stream's length.
 */
final class StreamReader {

  /** Receives what the reader verified. */
  interface Visitor {
    /**
     * A record of the keyspace at {@code keyspace} in the header's list; arrays are the callee's.
     */
    void entry(int keyspace, byte[] key, byte[] value);

    /** A frame was read and verified; {@code offset} bytes of the stream are consumed. */
    default void frameRead(long offset) {}
  }

  /** What a stream held, as verified. */
  record Totals(
      StreamHeader header,
      long[] entries,
      long[] bytes,
      byte[][] digests,
      byte[] streamDigest,
      long streamBytes) {}

  private static final int FIRST_BUFFER = 64 * 1024;

  private final InputStream in;
  private final String source;
  private final CRC32C crc = new CRC32C();
  private final byte[] frameHeader = new byte[ExportFormat.FRAME_HEADER_SIZE];
  private byte[] payload = new byte[FIRST_BUFFER];
  private long offset;
  private int sequence;
  private StreamHeader header;

  // the frame just read
  private int type;
  private int keyspace;
  private int count;
  private int length;
  private long frameOffset;
  private int frameSequence;

  /**
   * @param source how messages name the stream, such as its file name
   */
  StreamReader(InputStream in, String source) {
    this.in = in;
    this.source = source;
  }

  /** The payload buffer's size: what the reader holds for one frame. */
  int bufferSize() {
    return payload.length;
  }

  /** The name of the keyspace at {@code index} in the header's list; "" before the header. */
  String keyspaceName(int index) {
    return header == null || index >= header.keyspaces().size()
        ? ""
        : header.keyspaces().get(index);
  }

  /**
   * Reads the preamble and the header frame.
   *
   * @throws CorruptionException if the stream is not an export stream, or its header is damaged or
   *     cut
   * @throws IncompatibleVersionException if the stream's version or flags are newer than this
   *     reader
   * @throws StorageIOException if reading fails
   */
  StreamHeader header() {
    byte[] pre = new byte[ExportFormat.PREAMBLE_SIZE];
    int got = readUpTo(pre, 0, pre.length);
    if (got < ExportFormat.MAGIC.length
        || !Arrays.equals(pre, 0, ExportFormat.MAGIC.length, ExportFormat.MAGIC, 0, 8)) {
      throw new CorruptionException(
          source
              + " is not a Cairn export stream: it "
              + (got == 0
                  ? "is empty"
                  : "starts with "
                      + HexFormat.of().formatHex(pre, 0, Math.min(got, 8))
                      + ", not the magic "
                      + HexFormat.of().formatHex(ExportFormat.MAGIC)
                      + " (CAIRNEXP)"));
    }
    if (got < pre.length) {
      throw truncated("inside the preamble (magic, version, flags)", pre.length - got);
    }
    int version = Le.getShort(pre, 8);
    int flags = Le.getShort(pre, 10);
    if (version > ExportFormat.VERSION) {
      throw new IncompatibleVersionException(
          source
              + " is an export stream of format version "
              + version
              + "; this reader reads version "
              + ExportFormat.VERSION
              + " (a newer Cairn wrote it)");
    }
    if (version < 1) {
      throw new CorruptionException(source + ": format version 0 at byte offset 8 is impossible");
    }
    if (flags != 0) {
      throw new IncompatibleVersionException(
          source
              + ": the stream sets flags 0x"
              + Integer.toHexString(flags)
              + " at byte offset 10, which format version 1 does not define");
    }
    readFrame();
    if (type != ExportFormat.HEADER) {
      throw corrupt("is a " + ExportFormat.typeName(type) + " where the header belongs");
    }
    header = parseHeader();
    return header;
  }

  /**
   * Reads the rest of the stream, after {@link #header()}, to its trailer and end, handing each
   * verified record to {@code visitor}.
   *
   * @throws CorruptionException naming the frame and byte offset, if the stream is damaged, cut,
   *     out of order, or its counts or digests disagree with its records
   * @throws StorageIOException if reading fails
   */
  Totals readAll(Visitor visitor) {
    int n = header.keyspaces().size();
    long[] entries = new long[n];
    long[] bytes = new long[n];
    byte[][] digests = new byte[n][];
    for (int ks = 0; ks < n; ks++) {
      EntryDigest digest = new EntryDigest();
      byte[] previous = null;
      while (true) {
        readFrame();
        if (type == ExportFormat.DATA && keyspace == ks) {
          previous = parseRecords(ks, digest, previous, visitor);
          visitor.frameRead(offset);
        } else if (type == ExportFormat.KEYSPACE_END && keyspace == ks) {
          checkEnd(ks, digest);
          entries[ks] = digest.entries();
          bytes[ks] = digest.bytes();
          digests[ks] = digest.digest();
          visitor.frameRead(offset);
          break;
        } else {
          throw corrupt(
              "is a "
                  + ExportFormat.typeName(type)
                  + (type == ExportFormat.DATA || type == ExportFormat.KEYSPACE_END
                      ? " of keyspace #" + keyspace
                      : "")
                  + " where keyspace '"
                  + header.keyspaces().get(ks)
                  + "' (#"
                  + ks
                  + ")'s records or its end belong");
        }
      }
    }
    readFrame();
    if (type != ExportFormat.TRAILER) {
      throw corrupt("is a " + ExportFormat.typeName(type) + " where the trailer belongs");
    }
    byte[] streamDigest = EntryDigest.streamDigest(header.keyspaces(), entries, digests);
    checkTrailer(entries, bytes, streamDigest);
    visitor.frameRead(offset);
    int extra = readByte();
    if (extra >= 0) {
      throw new CorruptionException(
          source
              + ": bytes follow the trailer at byte offset "
              + (offset - 1)
              + "; a stream ends with its trailer (two streams joined, or garbage appended)");
    }
    return new Totals(header, entries, bytes, digests, streamDigest, offset);
  }

  private byte[] parseRecords(int ks, EntryDigest digest, byte[] previous, Visitor visitor) {
    if (count <= 0) {
      throw corrupt("holds no records; a data chunk holds at least one");
    }
    int p = 0;
    for (int i = 0; i < count; i++) {
      if (length - p < ExportFormat.RECORD_HEADER_SIZE) {
        throw corrupt(
            "says it holds " + count + " records, but its payload ends after " + i + " of them");
      }
      int k = Le.getShort(payload, p);
      long v = Le.getInt(payload, p + 2) & 0xFFFF_FFFFL;
      if (v > Limits.MAX_VALUE_SIZE) {
        throw corrupt(
            "record "
                + i
                + " claims a value of "
                + v
                + " bytes, over the limit of "
                + Limits.MAX_VALUE_SIZE);
      }
      int size = ExportFormat.RECORD_HEADER_SIZE + k + (int) v;
      if (length - p < size) {
        throw corrupt(
            "record " + i + " claims " + size + " bytes, but only " + (length - p) + " remain");
      }
      byte[] key = Arrays.copyOfRange(payload, p + ExportFormat.RECORD_HEADER_SIZE, p + 6 + k);
      byte[] value = Arrays.copyOfRange(payload, p + 6 + k, p + size);
      if (header.ordered() && previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
        throw corrupt(
            "record "
                + i
                + " has key "
                + HexFormat.of().formatHex(key, 0, Math.min(k, 32))
                + (k > 32 ? "..." : "")
                + ", which does not follow the previous key in order, though the header says"
                + " the stream is in key order");
      }
      digest.addRecord(payload, p, size, k, (int) v);
      previous = key;
      p += size;
      visitor.entry(ks, key, value);
    }
    if (p != length) {
      throw corrupt(
          "holds " + (length - p) + " bytes after its " + count + " records; it should hold none");
    }
    return previous;
  }

  private void checkEnd(int ks, EntryDigest digest) {
    if (length != ExportFormat.KEYSPACE_END_SIZE || count != 0) {
      throw corrupt(
          "has " + length + " payload bytes; a keyspace end has " + ExportFormat.KEYSPACE_END_SIZE);
    }
    long entries = Le.getLong(payload, 0);
    long bytes = Le.getLong(payload, 8);
    byte[] stored = Arrays.copyOfRange(payload, 16, 16 + ExportFormat.DIGEST_SIZE);
    byte[] computed = digest.digest();
    if (entries != digest.entries()
        || bytes != digest.bytes()
        || !Arrays.equals(stored, computed)) {
      throw corrupt(
          "ends keyspace '"
              + header.keyspaces().get(ks)
              + "' with "
              + entries
              + " entries, "
              + bytes
              + " bytes and digest "
              + EntryDigest.hex(stored)
              + ", but its chunks held "
              + digest.entries()
              + " entries, "
              + digest.bytes()
              + " bytes with digest "
              + EntryDigest.hex(computed));
    }
  }

  private void checkTrailer(long[] entries, long[] bytes, byte[] streamDigest) {
    if (length != ExportFormat.TRAILER_SIZE || count != 0) {
      throw corrupt(
          "has " + length + " payload bytes; the trailer has " + ExportFormat.TRAILER_SIZE);
    }
    int keyspaces = Le.getInt(payload, 0);
    long total = Le.getLong(payload, 4);
    long totalBytes = Le.getLong(payload, 12);
    byte[] stored = Arrays.copyOfRange(payload, 20, 20 + ExportFormat.DIGEST_SIZE);
    long e = Arrays.stream(entries).sum();
    long b = Arrays.stream(bytes).sum();
    if (keyspaces != header.keyspaces().size()
        || total != e
        || totalBytes != b
        || !Arrays.equals(stored, streamDigest)) {
      throw corrupt(
          "says the stream holds "
              + keyspaces
              + " keyspaces, "
              + total
              + " entries, "
              + totalBytes
              + " bytes, digest "
              + EntryDigest.hex(stored)
              + ", but it held "
              + header.keyspaces().size()
              + ", "
              + e
              + ", "
              + b
              + ", digest "
              + EntryDigest.hex(streamDigest));
    }
  }

  private StreamHeader parseHeader() {
    try {
      int p = 0;
      boolean ordered =
          switch (byteAt(p++)) {
            case 0 -> false;
            case 1 -> true;
            default -> throw corrupt("has an order flag other than 0 or 1");
          };
      long created = longAt(p);
      p += 8;
      int n = byteAt(p++);
      String engine = string(p, n, StandardCharsets.US_ASCII);
      p += n;
      n = byteAt(p++);
      String version = string(p, n, StandardCharsets.UTF_8);
      p += n;
      int count = shortAt(p);
      p += 2;
      List<String> names = new ArrayList<>(Math.min(count, 1024));
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < count; i++) {
        n = byteAt(p++);
        String name = string(p, n, StandardCharsets.US_ASCII);
        p += n;
        try {
          Keyspace.checkName(name);
        } catch (InvalidArgumentException e) {
          throw corrupt(
              "lists keyspace #" + i + ", which is not a keyspace name: " + e.getMessage());
        }
        if (!seen.add(name)) {
          throw corrupt("lists keyspace '" + name + "' twice");
        }
        names.add(name);
      }
      if (p != length) {
        throw corrupt("holds " + (length - p) + " bytes after its last field");
      }
      return new StreamHeader(engine, version, Instant.ofEpochMilli(created), ordered, names);
    } catch (IndexOutOfBoundsException e) {
      throw corrupt("ends before its fields do (" + length + " bytes)");
    }
  }

  private int byteAt(int p) {
    check(p, 1);
    return payload[p] & 0xFF;
  }

  private int shortAt(int p) {
    check(p, 2);
    return Le.getShort(payload, p);
  }

  private long longAt(int p) {
    check(p, 8);
    return Le.getLong(payload, p);
  }

  private String string(int p, int n, java.nio.charset.Charset cs) {
    check(p, n);
    return new String(payload, p, n, cs);
  }

  private void check(int p, int n) {
    if (p + n > length) {
      throw new IndexOutOfBoundsException();
    }
  }

  /** Reads and verifies the next frame's header and payload. */
  private void readFrame() {
    frameOffset = offset;
    frameSequence = sequence;
    int got = readUpTo(frameHeader, 0, frameHeader.length);
    if (got == 0) {
      throw new CorruptionException(
          source
              + " is truncated: it ends at byte offset "
              + offset
              + ", after frame "
              + (sequence - 1)
              + ", before its trailer (the stream was cut short)");
    }
    if (got < frameHeader.length) {
      throw truncated("inside the header of frame " + sequence, frameHeader.length - got);
    }
    crc.reset();
    crc.update(frameHeader, 0, ExportFormat.FRAME_HEADER_CHECKED);
    int stored = Le.getInt(frameHeader, ExportFormat.FRAME_HEADER_CHECKED);
    if ((int) crc.getValue() != stored) {
      throw new CorruptionException(
          source
              + ": the header of frame "
              + sequence
              + " at byte offset "
              + frameOffset
              + " fails its checksum (stored "
              + hex32(stored)
              + ", computed "
              + hex32((int) crc.getValue())
              + "): the stream is damaged there");
    }
    type = frameHeader[0] & 0xFF;
    keyspace = Le.getShort(frameHeader, 2);
    int seq = Le.getInt(frameHeader, 4);
    count = Le.getInt(frameHeader, 8);
    long len = Le.getInt(frameHeader, 12) & 0xFFFF_FFFFL;
    if (frameHeader[1] != 0) {
      throw corrupt("has a reserved byte other than 0");
    }
    if (seq != sequence) {
      throw corrupt(
          "carries sequence number "
              + Integer.toUnsignedString(seq)
              + " where "
              + sequence
              + " belongs (a frame is missing, repeated or out of place)");
    }
    if (ExportFormat.typeName(type).startsWith("unknown")) {
      throw corrupt("has " + ExportFormat.typeName(type));
    }
    if (len > ExportFormat.MAX_PAYLOAD) {
      throw corrupt(
          "claims a payload of " + len + " bytes, over the limit of " + ExportFormat.MAX_PAYLOAD);
    }
    length = (int) len;
    readPayload();
    crc.reset();
    crc.update(payload, 0, length);
    int storedPayload = Le.getInt(frameHeader, 16);
    if ((int) crc.getValue() != storedPayload) {
      throw corrupt(
          "has a payload of "
              + length
              + " bytes that fails its checksum (stored "
              + hex32(storedPayload)
              + ", computed "
              + hex32((int) crc.getValue())
              + "): the stream is damaged there");
    }
    sequence++;
  }

  /** Reads {@link #length} bytes, growing the buffer only as bytes arrive. */
  private void readPayload() {
    int got = 0;
    while (got < length) {
      if (got == payload.length) {
        payload = Arrays.copyOf(payload, Math.min(length, Math.max(2 * payload.length, 1 << 20)));
      }
      int n = readUpTo(payload, got, Math.min(length, payload.length) - got);
      if (n == 0) {
        throw truncated(
            "inside the payload of frame "
                + sequence
                + " (a "
                + ExportFormat.typeName(type)
                + " at byte offset "
                + frameOffset
                + ", "
                + length
                + " bytes)",
            length - got);
      }
      got += n;
    }
  }

  /** Reads up to {@code len} bytes, fewer only at the end of the stream; returns how many. */
  private int readUpTo(byte[] b, int off, int len) {
    try {
      int n = in.readNBytes(b, off, len);
      offset += n;
      return n;
    } catch (IOException e) {
      throw new StorageIOException("cannot read " + source + " at byte offset " + offset, e);
    }
  }

  private int readByte() {
    try {
      int b = in.read();
      if (b >= 0) {
        offset++;
      }
      return b;
    } catch (IOException e) {
      throw new StorageIOException("cannot read " + source + " at byte offset " + offset, e);
    }
  }

  private CorruptionException truncated(String where, int missing) {
    return new CorruptionException(
        source
            + " is truncated: it ends at byte offset "
            + offset
            + ", "
            + where
            + ", "
            + missing
            + " bytes short (the stream was cut short)");
  }

  private CorruptionException corrupt(String what) {
    return new CorruptionException(
        source
            + ": frame "
            + frameSequence
            + " at byte offset "
            + frameOffset
            + (type == ExportFormat.DATA || type == ExportFormat.KEYSPACE_END
                ? " (" + ExportFormat.typeName(type) + ", keyspace #" + keyspace + ")"
                : "")
            + " "
            + what);
  }

  private static String hex32(int v) {
    return String.format("0x%08x", v);
  }
}
