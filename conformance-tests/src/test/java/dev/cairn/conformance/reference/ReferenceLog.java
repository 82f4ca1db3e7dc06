package dev.cairn.conformance.reference;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.StoreLockedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The reference engine's durable state: one append-only log of records {@code | length (4B) |
 * crc32c (4B) | payload |}, each payload the {@linkplain Change changes} of one write, applied
 * together on replay: {@code | count (4B) | change * |}, where a change is
 *
 * <pre>
 * | type (1B) | keyspace length (1B) | keyspace (ASCII) | body |
 *   'P' put:          | keyLen (4B) | key | valueLen (4B) | value |
 *   'D' delete:       | keyLen (4B) | key |
 *   'R' delete range: | lower bound | upper bound |, each | kind (1B: 0 none, 1 inclusive,
 *                     2 exclusive) | [keyLen (4B) | key] |
 *   'C' create keyspace, 'X' drop keyspace: no body
 * </pre>
 *
 * <p>A write batch spanning keyspaces is one record, so it is whole or absent after a crash, and so
 * is a keyspace's creation or drop; both are forced before they return.
 *
 * <p>Crash safety, in the order a new store is made durable: the store directory is created and its
 * parent forced; the log is created, forced, and the store directory forced; a {@code SYNC} write
 * appends its record and forces the log. Recovery replays records while they are whole and their
 * checksums match, and truncates the log after the last good one (the policy: a torn or damaged
 * tail is dropped, with everything after it; unsynced appends can only damage the tail). A failed
 * write or force fail-stops the log: every later write throws {@link EngineFailedException} until
 * the store is reopened, since the operating system may have dropped the pages a retried fsync
 * would claim to have written.
 *
 * <p>Not thread-safe: the engine serialises calls.
 */
final class ReferenceLog implements AutoCloseable {

  static final String LOG = "reference.log";
  private static final String LOCK = "reference.lock";

  /** What a replay found: the content by keyspace and where the valid records end. */
  record Replayed(
      Map<String, NavigableMap<byte[], byte[]>> state, long validLength, long fileLength) {}

  private final Path directory;
  private final FileChannel channel;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<String, NavigableMap<byte[], byte[]>> recovered;
  private IOException failure;

  private ReferenceLog(
      Path directory,
      FileChannel channel,
      FileChannel lockChannel,
      FileLock lock,
      Map<String, NavigableMap<byte[], byte[]>> recovered) {
    this.directory = directory;
    this.channel = channel;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.recovered = recovered;
  }

  static ReferenceLog open(EngineOptions options, Path directory, int bufferSize) {
    FileChannel lockChannel = null;
    FileChannel channel = null;
    try {
      if (!Files.isDirectory(directory)) {
        if (!options.createIfMissing()) {
          throw new StorageIOException("no store at " + directory);
        }
        createDirectories(directory);
      }
      lockChannel =
          FileChannel.open(
              directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new StoreLockedException("store " + directory + " is already open");
      }
      Path log = directory.resolve(LOG);
      if (!options.readOnly() && !Files.exists(log)) {
        try (FileChannel created =
            FileChannel.open(log, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          created.force(true);
        }
        syncDirectory(directory);
      }
      Replayed r = replay(log);
      if (!options.readOnly()) {
        channel = FileChannel.open(log, StandardOpenOption.WRITE);
        if (r.validLength() < r.fileLength()) {
          channel.truncate(r.validLength());
          channel.force(true);
        }
        channel.position(r.validLength());
      }
      return new ReferenceLog(directory, channel, lockChannel, lock, r.state());
    } catch (IOException e) {
      closeQuietly(channel);
      closeQuietly(lockChannel);
      throw new StorageIOException("cannot open " + directory + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      closeQuietly(lockChannel);
      throw e;
    }
  }

  /** Creates {@code dir} and any missing parents, forcing the parent of each one created. */
  private static void createDirectories(Path dir) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.push(p);
    }
    for (Path p : missing) {
      Files.createDirectory(p);
      syncDirectory(p.getParent());
    }
  }

  /** Forces a directory, making the entries created or renamed in it durable. */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void closeQuietly(FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }

  /** The state the log held when opened: keyspace name to entries, the default one included. */
  Map<String, NavigableMap<byte[], byte[]>> recovered() {
    return recovered;
  }

  /** The state of an empty store: the default keyspace, empty. */
  static Map<String, NavigableMap<byte[], byte[]>> emptyState() {
    Map<String, NavigableMap<byte[], byte[]>> state = new TreeMap<>();
    state.put(Keyspace.DEFAULT, Change.emptyKeyspace());
    return state;
  }

  /** Whether a write failed and the log refuses further ones until the store is reopened. */
  boolean failed() {
    return failure != null;
  }

  /**
   * Replays the log's whole, checksummed records; a missing log is empty.
   *
   * @throws CorruptionException if a whole record with a valid checksum cannot be applied
   */
  static Replayed replay(Path log) throws IOException {
    Map<String, NavigableMap<byte[], byte[]>> state = emptyState();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(log);
    } catch (NoSuchFileException e) {
      return new Replayed(state, 0, 0);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    while (in.remaining() >= 8) {
      int start = in.position();
      int length = in.getInt();
      int crc = in.getInt();
      if (length < 4 || in.remaining() < length) {
        return new Replayed(state, start, bytes.length);
      }
      CRC32C c = new CRC32C();
      c.update(bytes, in.position(), length);
      if ((int) c.getValue() != crc) {
        return new Replayed(state, start, bytes.length);
      }
      ByteBuffer record = in.slice(in.position(), length);
      in.position(in.position() + length);
      try {
        for (int i = 0, count = record.getInt(); i < count; i++) {
          decode(record).applyTo(state);
        }
      } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
        throw new CorruptionException(
            "record at byte " + start + " of " + log + " has a valid checksum but does not parse",
            e);
      }
    }
    return new Replayed(state, in.position(), bytes.length);
  }

  private static Change decode(ByteBuffer in) {
    byte type = in.get();
    byte[] name = new byte[in.get() & 0xFF];
    in.get(name);
    String keyspace = new String(name, StandardCharsets.US_ASCII);
    return switch (type) {
      case 'P' -> new Change.Put(keyspace, bytes(in), bytes(in));
      case 'D' -> new Change.Delete(keyspace, bytes(in));
      case 'R' -> new Change.DeleteRange(keyspace, new KeyRange(bound(in), bound(in)));
      case 'C' -> new Change.CreateKeyspace(keyspace);
      case 'X' -> new Change.DropKeyspace(keyspace);
      default -> throw new IllegalArgumentException("unknown change type " + type);
    };
  }

  private static byte[] bytes(ByteBuffer in) {
    byte[] b = new byte[in.getInt()];
    in.get(b);
    return b;
  }

  private static KeyRange.Bound bound(ByteBuffer in) {
    return switch (in.get()) {
      case 0 -> null;
      case 1 -> new KeyRange.Bound(bytes(in), true);
      case 2 -> new KeyRange.Bound(bytes(in), false);
      default -> throw new IllegalArgumentException("unknown bound kind");
    };
  }

  private static int size(Change change) {
    int size = 2 + change.keyspace().length();
    return switch (change) {
      case Change.Put p -> size + 8 + p.key().length + p.value().length;
      case Change.Delete d -> size + 4 + d.key().length;
      case Change.DeleteRange r -> size + size(r.range().lower()) + size(r.range().upper());
      case Change.CreateKeyspace k -> size;
      case Change.DropKeyspace k -> size;
    };
  }

  private static int size(KeyRange.Bound b) {
    return b == null ? 1 : 5 + b.key().length;
  }

  private static void encode(Change change, ByteBuffer out) {
    byte[] name = change.keyspace().getBytes(StandardCharsets.US_ASCII);
    byte type =
        switch (change) {
          case Change.Put p -> 'P';
          case Change.Delete d -> 'D';
          case Change.DeleteRange r -> 'R';
          case Change.CreateKeyspace k -> 'C';
          case Change.DropKeyspace k -> 'X';
        };
    out.put(type).put((byte) name.length).put(name);
    switch (change) {
      case Change.Put p ->
          out.putInt(p.key().length).put(p.key()).putInt(p.value().length).put(p.value());
      case Change.Delete d -> out.putInt(d.key().length).put(d.key());
      case Change.DeleteRange r -> {
        encode(r.range().lower(), out);
        encode(r.range().upper(), out);
      }
      case Change.CreateKeyspace k -> {}
      case Change.DropKeyspace k -> {}
    }
  }

  private static void encode(KeyRange.Bound b, ByteBuffer out) {
    if (b == null) {
      out.put((byte) 0);
    } else {
      out.put((byte) (b.inclusive() ? 1 : 2)).putInt(b.key().length).put(b.key());
    }
  }

  /** Throws {@link EngineFailedException} once a write has failed. */
  void checkNotFailed() {
    if (failure != null) {
      throw new EngineFailedException(
          "the log of " + directory + " fail-stopped after an I/O error; reopen the store",
          failure);
    }
  }

  private EngineFailedException failStop(String what, IOException e) {
    failure = e;
    return new EngineFailedException(
        what + " " + directory.resolve(LOG) + " failed; the store refuses writes until reopened",
        e);
  }

  /** Appends one record holding {@code changes}, forcing it when {@code sync}. */
  void append(List<Change> changes, boolean sync) {
    checkNotFailed();
    int size = 4;
    for (Change change : changes) {
      size += size(change);
    }
    ByteBuffer out = ByteBuffer.allocate(8 + size);
    out.putInt(size).putInt(0).putInt(changes.size());
    for (Change change : changes) {
      encode(change, out);
    }
    CRC32C c = new CRC32C();
    c.update(out.array(), 8, size);
    out.putInt(4, (int) c.getValue());
    out.flip();
    try {
      while (out.hasRemaining()) {
        channel.write(out);
      }
    } catch (IOException e) {
      // NB: part of the record may be in the file; appending after it would hide later records
      // behind a damaged one, so the log stops here.
      throw failStop("appending to", e);
    }
    if (sync) {
      force();
    }
  }

  private void force() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw failStop("forcing", e);
    }
  }

  void sync() {
    if (channel == null) {
      return;
    }
    checkNotFailed();
    force();
  }

  long size() {
    try {
      return Files.exists(directory.resolve(LOG)) ? Files.size(directory.resolve(LOG)) : 0;
    } catch (IOException e) {
      throw new StorageIOException("cannot stat " + directory.resolve(LOG), e);
    }
  }

  /**
   * Writes an openable copy of the store to {@code target}, durably: the log forced, then the copy
   * written and forced, then the new directory and its parent forced.
   */
  void copyTo(Path target) {
    sync();
    try {
      byte[] content =
          Files.exists(directory.resolve(LOG))
              ? Files.readAllBytes(directory.resolve(LOG))
              : new byte[0];
      Files.createDirectory(target);
      try (FileChannel out =
          FileChannel.open(
              target.resolve(LOG), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(content);
        while (b.hasRemaining()) {
          out.write(b);
        }
        out.force(true);
      }
      syncDirectory(target);
      Path parent = target.toAbsolutePath().getParent();
      if (parent != null) {
        syncDirectory(parent);
      }
    } catch (IOException e) {
      throw new StorageIOException("cannot checkpoint to " + target, e);
    }
  }

  Path file() {
    return directory.resolve(LOG);
  }

  @Override
  public void close() {
    try {
      if (channel != null) {
        try {
          if (failure == null) {
            channel.force(false);
          }
        } finally {
          channel.close();
        }
      }
    } catch (IOException e) {
      throw new StorageIOException("cannot close " + directory, e);
    } finally {
      try {
        lock.release();
      } catch (IOException ignored) {
        // closing the channel releases it too
      }
      closeQuietly(lockChannel);
    }
  }
}
