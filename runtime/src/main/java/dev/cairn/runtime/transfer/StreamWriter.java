package dev.cairn.runtime.transfer;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.InvalidArgumentException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes an export stream ({@code docs/formats/export-stream.md}): the preamble and header, then
 * per keyspace its records in chunks and a keyspace end, then the trailer. Not thread-safe.
 *
 * <p>Memory: one chunk, at most {@link ExportFormat#CHUNK_TARGET} bytes or one record when a record
 * is larger; records are copied from the cursor's views straight into it.
 */
final class StreamWriter {

  private final OutputStream out;
  private final CRC32C crc = new CRC32C();
  private final byte[] frameHeader = new byte[ExportFormat.FRAME_HEADER_SIZE];
  private StreamHeader header;
  private byte[] chunk = new byte[64 * 1024];
  private int used;
  private int count;
  private int sequence;
  private int keyspace = -1;
  private EntryDigest digest;
  private final List<EntryDigest> done = new ArrayList<>();
  private long written;

  private final int chunkTarget;

  StreamWriter(OutputStream out) {
    this(out, ExportFormat.CHUNK_TARGET);
  }

  /** A writer whose chunks close near {@code chunkTarget} bytes (small ones for tests). */
  StreamWriter(OutputStream out, int chunkTarget) {
    this.out = out;
    this.chunkTarget = chunkTarget;
  }

  /** Bytes written so far. */
  long written() {
    return written;
  }

  void header(StreamHeader h) throws IOException {
    if (h.keyspaces().size() > ExportFormat.MAX_KEYSPACES) {
      throw new InvalidArgumentException(
          "an export stream holds at most " + ExportFormat.MAX_KEYSPACES + " keyspaces");
    }
    this.header = h;
    byte[] pre = new byte[ExportFormat.PREAMBLE_SIZE];
    System.arraycopy(ExportFormat.MAGIC, 0, pre, 0, ExportFormat.MAGIC.length);
    Le.putShort(pre, 8, ExportFormat.VERSION);
    Le.putShort(pre, 10, 0);
    write(pre, 0, pre.length);
    byte[] engine = h.engine().getBytes(StandardCharsets.US_ASCII);
    byte[] version = h.engineVersion().getBytes(StandardCharsets.UTF_8);
    if (engine.length > 255 || version.length > ExportFormat.MAX_VERSION_LENGTH) {
      throw new InvalidArgumentException("engine name or version too long for an export stream");
    }
    int size = 1 + 8 + 1 + engine.length + 1 + version.length + 2;
    for (String k : h.keyspaces()) {
      size += 1 + k.length();
    }
    ensure(size);
    int p = 0;
    chunk[p++] = (byte) (h.ordered() ? 1 : 0);
    Le.putLong(chunk, p, h.created().toEpochMilli());
    p += 8;
    chunk[p++] = (byte) engine.length;
    System.arraycopy(engine, 0, chunk, p, engine.length);
    p += engine.length;
    chunk[p++] = (byte) version.length;
    System.arraycopy(version, 0, chunk, p, version.length);
    p += version.length;
    Le.putShort(chunk, p, h.keyspaces().size());
    p += 2;
    for (String k : h.keyspaces()) {
      byte[] name = k.getBytes(StandardCharsets.US_ASCII);
      chunk[p++] = (byte) name.length;
      System.arraycopy(name, 0, chunk, p, name.length);
      p += name.length;
    }
    frame(ExportFormat.HEADER, 0, 0, chunk, p);
  }

  /** Starts the records of the keyspace at {@code index} in the header's list. */
  void beginKeyspace(int index) {
    if (index != done.size()) {
      throw new IllegalStateException("keyspaces are written in the header's order");
    }
    keyspace = index;
    digest = new EntryDigest();
    used = 0;
    count = 0;
  }

  /** Adds a record of the current keyspace; writes a chunk when the record would overfill it. */
  void record(ByteView key, ByteView value) throws IOException {
    int k = key.size();
    int v = value.size();
    int size = ExportFormat.RECORD_HEADER_SIZE + k + v;
    if (used > 0 && used + size > chunkTarget) {
      flushChunk();
    }
    ensure(used + size);
    Le.putShort(chunk, used, k);
    Le.putInt(chunk, used + 2, v);
    key.copyTo(chunk, used + ExportFormat.RECORD_HEADER_SIZE);
    value.copyTo(chunk, used + ExportFormat.RECORD_HEADER_SIZE + k);
    digest.addRecord(chunk, used, size, k, v);
    used += size;
    count++;
  }

  /** Bytes buffered in the current chunk, not yet written. */
  int buffered() {
    return used;
  }

  private void flushChunk() throws IOException {
    frame(ExportFormat.DATA, keyspace, count, chunk, used);
    used = 0;
    count = 0;
  }

  /** Ends the current keyspace: its last chunk, then its end frame with totals and digest. */
  EntryDigest endKeyspace() throws IOException {
    if (used > 0) {
      flushChunk();
    }
    byte[] end = new byte[ExportFormat.KEYSPACE_END_SIZE];
    Le.putLong(end, 0, digest.entries());
    Le.putLong(end, 8, digest.bytes());
    System.arraycopy(digest.digest(), 0, end, 16, ExportFormat.DIGEST_SIZE);
    frame(ExportFormat.KEYSPACE_END, keyspace, 0, end, end.length);
    done.add(digest);
    EntryDigest d = digest;
    digest = null;
    return d;
  }

  /** Writes the trailer; every keyspace of the header must have ended. Returns the digest. */
  byte[] trailer() throws IOException {
    if (done.size() != header.keyspaces().size()) {
      throw new IllegalStateException("not every keyspace was written");
    }
    long entries = 0;
    long bytes = 0;
    long[] counts = new long[done.size()];
    byte[][] digests = new byte[done.size()][];
    for (int i = 0; i < done.size(); i++) {
      entries += done.get(i).entries();
      bytes += done.get(i).bytes();
      counts[i] = done.get(i).entries();
      digests[i] = done.get(i).digest();
    }
    byte[] stream = EntryDigest.streamDigest(header.keyspaces(), counts, digests);
    byte[] t = new byte[ExportFormat.TRAILER_SIZE];
    Le.putInt(t, 0, done.size());
    Le.putLong(t, 4, entries);
    Le.putLong(t, 12, bytes);
    System.arraycopy(stream, 0, t, 20, ExportFormat.DIGEST_SIZE);
    frame(ExportFormat.TRAILER, 0, 0, t, t.length);
    out.flush();
    return stream;
  }

  private void frame(int type, int ks, int records, byte[] payload, int length) throws IOException {
    crc.reset();
    crc.update(payload, 0, length);
    byte[] h = frameHeader;
    h[0] = (byte) type;
    h[1] = 0;
    Le.putShort(h, 2, ks);
    Le.putInt(h, 4, sequence++);
    Le.putInt(h, 8, records);
    Le.putInt(h, 12, length);
    Le.putInt(h, 16, (int) crc.getValue());
    crc.reset();
    crc.update(h, 0, ExportFormat.FRAME_HEADER_CHECKED);
    Le.putInt(h, ExportFormat.FRAME_HEADER_CHECKED, (int) crc.getValue());
    write(h, 0, h.length);
    write(payload, 0, length);
  }

  private void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    written += len;
  }

  private void ensure(int size) {
    if (chunk.length < size) {
      chunk = java.util.Arrays.copyOf(chunk, Math.max(size, Math.min(2 * chunk.length, size * 2)));
    }
  }
}
