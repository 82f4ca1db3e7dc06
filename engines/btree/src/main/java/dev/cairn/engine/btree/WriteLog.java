package dev.cairn.engine.btree;

import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.StorageIOException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The log of {@code BUFFERED} writes not yet in a durable tree ({@code btree.log}, {@code
 * docs/formats/btree-log.md}, decision 0026): each group of {@code BUFFERED} writes the committer
 * applies to its working transaction is appended here as one record, unforced, before it is
 * acknowledged, so that a process crash keeps it (the operating system has the bytes). A durable
 * commit of transaction T takes every logged write into the tree and starts the log anew, its
 * records tagged with generation T; an open at the durable meta of transaction T replays the
 * records of generation T, in order, up to the first that is missing, torn or of another generation
 * (the prefix a power cut leaves).
 *
 * <p>Why a generation is never ambiguous: records of generation T are written only after the meta
 * of transaction T was forced, and a forced meta is never lost, so its txid is never given to
 * another transaction; records of an older generation left in the file fail the generation check.
 *
 * <p>Appended to from the thread that holds the writer's lock (a caller's, for a {@code BUFFERED}
 * write: an interrupt that closes the channel is survived by reopening it and writing the record
 * again at its offset, decision 0012); {@link #replay} at open. Not thread-safe.
 */
final class WriteLog {

  static final String NAME = "btree.log";

  /** "CBLG": a record starts here. */
  static final int MAGIC = 0x43424c47;

  /** magic, payload length, generation, sequence number, CRC32C. */
  static final int HEADER = 4 + 4 + 8 + 8 + 4;

  private static final byte PUT = 1;
  private static final byte DELETE = 2;

  /** One logged change: a put, or a delete when {@code value} is null. */
  record Effect(String keyspace, byte[] key, byte[] value) {}

  private final Path path;
  private final boolean readOnly;
  private FileChannel channel;
  private boolean closed;
  private long generation;
  private long sequence;
  private long offset;
  private long recordsSinceReset;

  private WriteLog(Path path, boolean readOnly) {
    this.path = path;
    this.readOnly = readOnly;
    this.channel = openChannel();
  }

  private FileChannel openChannel() {
    try {
      return readOnly
          ? FileChannel.open(path, StandardOpenOption.READ)
          : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot open the log of buffered writes", e);
    }
  }

  /** An I/O operation on the channel, which an interrupt of the calling thread may close. */
  private interface Io<T> {
    T run(FileChannel c) throws IOException;
  }

  /**
   * Runs {@code io}, repeated on a reopened channel when an interrupt of the calling thread closed
   * it (decision 0012: positional writes, repeated whole); the interrupt is given back.
   */
  private <T> T io(String what, Io<T> io) {
    boolean interrupted = Thread.interrupted();
    try {
      for (int attempt = 0; ; attempt++) {
        if (closed) {
          throw new dev.cairn.spi.ClosedHandleException(path + " is closed");
        }
        try {
          return io.run(channel);
        } catch (java.nio.channels.ClosedChannelException e) {
          interrupted |= Thread.interrupted();
          if (closed || attempt >= 8) {
            throw new StorageIOException(path + ": " + what + " failed: the channel closed", e);
          }
          closeQuietly(channel);
          channel = openChannel();
        } catch (IOException e) {
          throw new StorageIOException(path + ": " + what + " failed", e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // NB: only a channel an interrupt closed, about to be replaced
    }
  }

  private long size() {
    return io("reading its size", FileChannel::size);
  }

  private byte[] read(long offset, int length) {
    byte[] target = new byte[length];
    io(
        "a read of " + length + " bytes at offset " + offset,
        c -> {
          ByteBuffer b = ByteBuffer.wrap(target);
          while (b.hasRemaining()) {
            if (c.read(b, offset + b.position()) < 0) {
              throw new java.io.EOFException("end of file");
            }
          }
          return null;
        });
    return target;
  }

  private void write(long offset, byte[] bytes) {
    io(
        "a write of " + bytes.length + " bytes at offset " + offset,
        c -> {
          ByteBuffer b = ByteBuffer.wrap(bytes);
          while (b.hasRemaining()) {
            c.write(b, offset + b.position());
          }
          return null;
        });
  }

  static Path path(Path dir) {
    return dir.resolve(NAME);
  }

  /**
   * Opens (read-write: creates, syncing the directory) the log of the store in {@code dir}; null
   * when read-only and there is none.
   *
   * @throws StorageIOException if it cannot be created or opened
   */
  static WriteLog open(Path dir, boolean readOnly) {
    Path p = path(dir);
    if (!Files.exists(p)) {
      if (readOnly) {
        return null;
      }
      try {
        Files.newByteChannel(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
      } catch (IOException e) {
        throw new StorageIOException(p + ": cannot create the log of buffered writes", e);
      }
      SyncedFiles.syncDirectory(dir);
    }
    return new WriteLog(p, readOnly);
  }

  Path path() {
    return path;
  }

  /** Bytes appended since the log was last started anew. */
  long bytes() {
    return offset;
  }

  long records() {
    return recordsSinceReset;
  }

  /** The generation of the records appended now. */
  long generation() {
    return generation;
  }

  /** The sequence number the next record gets: the records of this generation so far. */
  long sequence() {
    return sequence;
  }

  /**
   * Starts the log anew for the writes after the durable commit of transaction {@code gen}: later
   * records overwrite the file from its start (the file is cut first; a cut a power loss undoes
   * leaves records of older generations, which replay refuses).
   */
  void reset(long gen) {
    generation = gen;
    sequence = 0;
    recordsSinceReset = 0;
    if (offset > 0 || size() > 0) {
      io("cutting it", c -> c.truncate(0));
    }
    offset = 0;
  }

  /**
   * Appends one record of {@code effects}, unforced.
   *
   * @throws StorageIOException if the write fails (the caller fail-stops the store)
   */
  void append(List<Effect> effects) {
    byte[] record = encode(generation, sequence, effects);
    write(offset, record);
    offset += record.length;
    sequence++;
    recordsSinceReset++;
  }

  static byte[] encode(long gen, long seq, List<Effect> effects) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream(64 * effects.size() + 16);
    writeInt(payload, effects.size());
    for (Effect e : effects) {
      payload.write(e.value() == null ? DELETE : PUT);
      byte[] ks = e.keyspace().getBytes(StandardCharsets.UTF_8);
      writeInt(payload, ks.length);
      payload.writeBytes(ks);
      writeInt(payload, e.key().length);
      payload.writeBytes(e.key());
      if (e.value() != null) {
        writeInt(payload, e.value().length);
        payload.writeBytes(e.value());
      }
    }
    byte[] body = payload.toByteArray();
    ByteBuffer b = ByteBuffer.allocate(HEADER + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putInt(body.length).putLong(gen).putLong(seq);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, HEADER - 4);
    crc.update(body);
    b.putInt((int) crc.getValue());
    b.put(body);
    return b.array();
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v);
    out.write(v >>> 8);
    out.write(v >>> 16);
    out.write(v >>> 24);
  }

  /** What a replay found. */
  record Replayed(long records, long effects, long bytes, String stop) {}

  /**
   * Hands {@code apply} the effects of each record that follows the state of {@code meta}, in
   * order: those of generation {@code meta.txid()} when the log was started anew after it, else
   * those of generation {@link Meta#logFollows()} past its first {@link Meta#logRecords()}, which
   * the state holds (it was made durable while writers went on logging, decision 0031; they are
   * read and checked, not applied). Reads from the log's start and stops at the first record that
   * is missing, torn, out of sequence or of another generation; reads at most what the file holds:
   * a length past the file's end stops the replay.
   */
  Replayed replay(Meta meta, Consumer<List<Effect>> apply) {
    return replay(meta.txid(), meta.logFollows(), meta.logRecords(), apply);
  }

  /**
   * Reads the records of generation {@code gen} (the log started anew after a meta of that txid),
   * or, when the first record is of generation {@code held}, those of {@code held} past the first
   * {@code skip}: applied in order, up to the first that is missing, torn, out of sequence or of
   * another generation.
   */
  private Replayed replay(long gen, long held, long skip, Consumer<List<Effect>> apply) {
    long size = size();
    long at = 0;
    long seq = 0;
    long applied = 0;
    long effects = 0;
    long chain = gen;
    long from = 0;
    if (held != gen && size >= HEADER) {
      ByteBuffer first = ByteBuffer.wrap(read(0, HEADER)).order(ByteOrder.LITTLE_ENDIAN);
      if (first.getInt(0) == MAGIC && first.getLong(8) == held) {
        // NB: the meta holds the first records of this older generation; the rest follow it.
        chain = held;
        from = skip;
      }
    }
    String stop = "end of the log";
    while (true) {
      if (size - at < HEADER) {
        stop = at == size ? "end of the log" : "a partial record header at offset " + at;
        break;
      }
      ByteBuffer h = ByteBuffer.wrap(read(at, HEADER)).order(ByteOrder.LITTLE_ENDIAN);
      int magic = h.getInt();
      int length = h.getInt();
      long g = h.getLong();
      long s = h.getLong();
      int crc = h.getInt();
      if (magic != MAGIC) {
        stop = "no record at offset " + at;
        break;
      }
      if (g != chain) {
        stop = "a record of generation " + g + " at offset " + at;
        break;
      }
      if (s != seq) {
        stop = "record " + s + " where " + seq + " was expected, at offset " + at;
        break;
      }
      if (length < 0 || length > size - at - HEADER) {
        stop = "a record of " + length + " bytes past the end of the file at offset " + at;
        break;
      }
      byte[] body = read(at + HEADER, length);
      CRC32C c = new CRC32C();
      c.update(h.array(), 0, HEADER - 4);
      c.update(body);
      if ((int) c.getValue() != crc) {
        stop = "a torn record (checksum mismatch) at offset " + at;
        break;
      }
      List<Effect> decoded = decode(body);
      if (decoded == null) {
        stop = "an undecodable record at offset " + at;
        break;
      }
      if (seq >= from) {
        apply.accept(decoded);
        applied++;
        effects += decoded.size();
      }
      at += HEADER + length;
      seq++;
    }
    return new Replayed(applied, effects, at, stop);
  }

  /** The effects of a record's payload, or null when it does not decode (it passed its CRC). */
  private static List<Effect> decode(byte[] body) {
    ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    try {
      int n = b.getInt();
      if (n < 0 || n > body.length) {
        return null;
      }
      List<Effect> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        byte type = b.get();
        if (type != PUT && type != DELETE) {
          return null;
        }
        String ks = new String(bytes(b), StandardCharsets.UTF_8);
        byte[] key = bytes(b);
        byte[] value = type == PUT ? bytes(b) : null;
        out.add(new Effect(ks, key, value));
      }
      return b.hasRemaining() ? null : out;
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("length " + n);
    }
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }

  void close() {
    closed = true;
    closeQuietly(channel);
  }
}
